"""Ending a stage, inside the zygote: its process group, every process of its uid, and
the files its uid left in the shared temporary folders.

The zygote is the parent (and reaper) of every stage process, so these run there.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal

SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")


def kill(pid: int, uid: int | None, wait: bool = True) -> str:
    """Kill a stage's process group and every process of its uid; how the stage ended.

    Without `wait` the stage process is reaped later, with the other finished children:
    it is already killed (and a killed process runs no more code), so nothing of the
    stage can act once this returns, but the answer is only "killed".
    """
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    ended = _reap(pid) if wait else "killed"
    if uid is not None and _others_alive(uid, pid):
        sweep(uid)
    if uid is not None:
        remove_left_files(uid)
    _reap_finished()
    return ended


def remove_left_files(uid: int) -> None:
    """Delete what `uid` left in the shared temporary folders, as `uid` itself.

    The next submission's stage gets the same uid: it must not find (or trust) files
    of the previous one. Only the folders' own entries are looked at.
    """
    left = []
    for folder in SHARED_FOLDERS:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            left += [entry.path for entry in entries
                     if entry.stat(follow_symlinks=False).st_uid == uid]
    if not left:
        return
    helper = os.fork()
    if helper == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            for path in left:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
        except BaseException:  # noqa: BLE001
            pass
        os._exit(0)
    os.waitpid(helper, 0)


def _others_alive(uid: int, pid: int) -> bool:
    """Whether a live process of `uid` other than `pid` exists in this PID namespace.

    Once the stage's group is killed nothing of the uid can fork any more, so when no
    other process of it is alive (one that left the group), there is nothing to sweep.
    """
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == pid:
            continue
        try:
            with open(f"/proc/{entry.name}/status") as file:
                fields = dict(line.split(":", 1) for line in file if ":" in line)
        except (OSError, ValueError):
            continue
        uids = {int(value) for value in fields.get("Uid", "").split()}
        if uid in uids and not fields.get("State", "").strip().startswith(("Z", "X")):
            return True
    return False


def sweep(uid: int) -> None:
    """SIGKILL every process of `uid` in this PID namespace (kill(-1) as that uid)."""
    helper = os.fork()
    if helper == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(3):
                os.kill(-1, signal.SIGKILL)
        except BaseException:  # noqa: BLE001
            pass
        os._exit(0)
    os.waitpid(helper, 0)


def _reap(pid: int) -> str:
    """Wait (at most 2 s) for the killed stage process to end; how it ended."""
    try:
        handle = os.pidfd_open(pid)
    except OSError:
        return "ended"
    try:
        if not select.select([handle], [], [], 2.0)[0]:
            return "did not end"
    finally:
        os.close(handle)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "ended"
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"killed by {name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def _reap_finished() -> None:
    """Reap any other finished children."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return
