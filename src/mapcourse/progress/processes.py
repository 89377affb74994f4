"""How one stage process starts and stops on this operating system.

On Linux a stage runs in a child forked from `check` once pytest and numpy are imported
there, so no stage pays for them again. Elsewhere, or with $MAPCOURSE_CHECK_NO_FORK=1, it
runs in a fresh Python (`python -m mapcourse.progress.child`): Windows has no fork, and on
macOS the system libraries that numpy and torch load (Accelerate, libdispatch) are not
safe to use in a forked child. Either way the stage process leads a process group of its
own where the system has them, and stopping it stops every process it started.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

NO_FORK = "MAPCOURSE_CHECK_NO_FORK"  # "1": a fresh Python per stage, even on Linux


def can_fork() -> bool:
    """Whether stages run in forked children: on Linux, unless $MAPCOURSE_CHECK_NO_FORK is set."""
    return (sys.platform == "linux" and hasattr(os, "fork")
            and os.environ.get(NO_FORK, "") in ("", "0"))


class StageProcess:
    """A running stage process: `poll` says whether it ended, `stop` ends it and its own."""

    def __init__(self, pid: int, popen: subprocess.Popen | None = None,
                 log: BinaryIO | None = None) -> None:
        self.pid, self._popen, self._log = pid, popen, log

    def poll(self) -> int | None:
        """The exit code once the process has ended (a signal as -N), else None. Whatever
        it started and left behind is stopped with it."""
        if self._popen is not None:
            code = self._popen.poll()
        else:
            ended, status = os.waitpid(self.pid, os.WNOHANG)
            code = os.waitstatus_to_exitcode(status) if ended else None
        if code is not None:
            self._stop_group()
            self._close()
        return code

    def stop(self) -> None:
        """End the process and every process it started, and wait for it."""
        self._stop_group()
        if self._popen is not None:
            with contextlib.suppress(OSError):
                self._popen.kill()
            self._popen.wait()
        else:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        self._close()

    def _stop_group(self) -> None:
        if hasattr(os, "killpg"):
            import signal

            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
        elif sys.platform == "win32" and self._popen is not None and self._popen.poll() is None:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(self.pid)],
                           capture_output=True, check=False)

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def fork(args: list[str], env: dict[str, str], cwd: Path, log: Path,
         prepare: Callable[[], None]) -> StageProcess:
    """pytest.main(args) in a forked child that leads its own session; `prepare` runs in
    the child first (to forget modules that must be imported afresh)."""
    pid = os.fork()
    if pid:
        return StageProcess(pid)
    code = 70
    try:
        import pytest

        os.setsid()
        output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.chdir(cwd)
        os.environ.update(env)
        sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
        prepare()
        code = int(pytest.main(args))
    except BaseException:  # noqa: BLE001 - a forked child must never return to the caller
        code = 70
    finally:
        os._exit(code)


def spawn(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> StageProcess:
    """pytest.main(args) in a fresh Python (mapcourse.progress.child), in a process group
    of its own."""
    from mapcourse.progress import child  # here: `-m` would find it imported already

    output = open(log, "ab")  # noqa: SIM115 - closed by the StageProcess when it ends
    try:
        popen = subprocess.Popen(
            [sys.executable, "-m", child.__name__, *args], cwd=cwd, env=os.environ | env,
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=hasattr(os, "killpg"),
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
    except BaseException:
        output.close()
        raise
    return StageProcess(popen.pid, popen, output)
