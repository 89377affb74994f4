"""Sandboxed stages: the trusted side of the fork server (`mapcourse.sandbox.zygote`).

A `SandboxRuntime` owns one slot: a scratch folder, unprivileged uids, and a warm
zygote running at the slot's isolation level (`mapcourse.sandbox.levels`): under
bubblewrap, or as root outside it handing each stage to an unprivileged uid, or (with
`--no-sandbox`) plainly. For each submission it copies the stage files into the
scratch folder; for each stage it asks the zygote to fork a process and talks to it
over a socket of its own. A call that runs past its deadline, or a process that dies,
gets the stage process group and every process of the stage's uid killed; the next
call starts a fresh process. Each stage has a uid of its own, so killing one stage
never touches another; each slot has a block of uids (and a group) of its own.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mapcourse import codecs
from mapcourse.sandbox import wire
from mapcourse.sandbox.bwrap import SANDBOX_ROOT, python_open_to_all, zygote_command
from mapcourse.sandbox.handle import StudentHandle
from mapcourse.sandbox.levels import (
    BUBBLEWRAP,
    FIRST_UID,
    NONE,
    UID_BLOCK,
    UNPRIVILEGED,
    Isolation,
)
from mapcourse.sandbox.output import OUTPUT_HEAD_BYTES
from mapcourse.sandbox.protocol import ProtocolError
from mapcourse.sandbox.scratch import admit, copy_submission
from mapcourse.sandbox.session import Runtime, StageSession
from mapcourse.terms import TEST_TIME_LIMIT

GiB = 1 << 30
UID_BLOCKS = 100_000
_slots = itertools.count()


class SandboxUnavailable(Exception):
    """The slot's sandbox could not start; the message says why."""


class SlotBroken(Exception):
    """The zygote stopped answering."""


@dataclass(frozen=True)
class Limits:
    """What one stage process may use."""

    memory_bytes: int = 4 * GiB
    processes: int = 64
    output_bytes: int = 1 << 20
    max_submission_bytes: int = 20 << 20


class SandboxRuntime(Runtime):
    """One grading slot: a warm zygote at the given isolation level."""

    def __init__(self, isolation: Isolation, *, limits: Limits = Limits(),
                 scratch: Path | None = None) -> None:
        """A slot whose zygote imports the codecs registered here and the modules the
        course named (`mapcourse.codecs.use`) before it forks."""
        self.isolation = isolation
        self.codecs, self.modules = codecs.names(), codecs.preloads()
        self.isolate = isolation.level == BUBBLEWRAP
        self.never_root = isolation.level in (BUBBLEWRAP, UNPRIVILEGED)
        self.limits = limits
        self.name = isolation.description
        root = os.geteuid() == 0
        if isolation.level == UNPRIVILEGED and not root:
            raise SandboxUnavailable("running stages as an unprivileged user needs the grader "
                                     "to run as root")
        can_drop = root and (isolation.level != NONE or python_open_to_all())
        self._uid_base = _uid_block() if can_drop else None
        self._stage_uids: dict[str, int] = {}
        self._owned_scratch = scratch is None
        self.scratch = Path(scratch or tempfile.mkdtemp(prefix="mapcourse-slot-"))
        admit(self.scratch, self._uid_base if isolation.level == UNPRIVILEGED else None)
        self._submission_count = 0
        self._current: tuple[Path, Path] | None = None
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._starting = False
        self._start()

    # The zygote -----------------------------------------------------------------

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command, environment = zygote_command(
            self.scratch, theirs.fileno(), isolate=self.isolate,
            python=self.isolation.python, cut_network=self.isolation.level == UNPRIVILEGED,
            codecs=self.codecs, modules=self.modules)
        self._process = subprocess.Popen(command, pass_fds=[theirs.fileno()], env=environment,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, start_new_session=True)
        theirs.close()
        self._control = ours
        self._control.settimeout(120)
        self._starting = True

    def wait_ready(self) -> None:
        """Wait until the zygote has imported and warmed up (it starts in the background)."""
        if not self._starting:
            return
        try:
            ready = self._control.recv(65536)
        except OSError:
            ready = b""
        if not ready:
            detail = self._process.stderr.read().decode(errors="replace").strip()[-500:]
            self._process.kill()
            raise SandboxUnavailable(f"the sandbox did not start: {detail or 'no output'}")
        self._starting = False

    def request(self, message: dict, fds: list[int] = ()) -> dict:
        """One control request to the zygote and its reply."""
        self.wait_ready()
        try:
            socket.send_fds(self._control, [json.dumps(message).encode()], list(fds))
            reply = self._control.recv(65536)
        except OSError as error:
            raise SlotBroken(str(error)) from None
        if not reply:
            raise SlotBroken("the zygote closed its channel")
        return json.loads(reply)

    def restart(self) -> None:
        """Replace a broken zygote with a fresh one."""
        self._stop()
        self._start()

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()
        if self._process is not None:
            with contextlib.suppress(OSError):
                os.killpg(self._process.pid, 9)
            self._process.wait()
            self._process.stderr.close()
        self._control = self._process = None

    def close(self) -> None:
        self._stop()
        self._forget_submission()
        if self._owned_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    # Submissions and stages -----------------------------------------------------

    @property
    def gid(self) -> int | None:
        """The group of the slot's stage processes (the only group its scratch admits)."""
        return self._uid_base

    def uid(self, stage_id: str) -> int | None:
        """The unprivileged uid of a stage's processes (one per stage: kills stay apart)."""
        if self._uid_base is None:
            return None
        if stage_id not in self._stage_uids:
            self._stage_uids[stage_id] = self._uid_base + len(self._stage_uids) % UID_BLOCK
        return self._stage_uids[stage_id]

    def open_stage(self, submission: Path, stage_id: str) -> StageSession:
        inside = self._prepare(submission)
        return SandboxSession(self, inside, stage_id)

    def _prepare(self, submission: Path) -> str:
        """Copy the submission into the scratch folder (once); its path inside the sandbox."""
        submission = submission.resolve()
        if self._current is None or self._current[0] != submission:
            self._forget_submission()
            self._submission_count += 1
            name = f"submission-{self._submission_count}"
            copy_submission(submission, self.scratch / name, self.limits.max_submission_bytes)
            self._current = (submission, self.scratch / name)
        name = self._current[1].name
        return str(Path(SANDBOX_ROOT if self.isolate else self.scratch) / name)

    def _forget_submission(self) -> None:
        if self._current is not None:
            shutil.rmtree(self._current[1], ignore_errors=True)
            self._current = None


class SandboxSession(StageSession):
    """One stage of the current submission, served by a forked process."""

    def __init__(self, runtime: SandboxRuntime, directory: str, stage_id: str) -> None:
        self.runtime = runtime
        self.directory = directory
        self.stage_id = stage_id
        self.message = ""
        self.output, self.output_bytes = "", 0
        self.handle = _SandboxHandle(self)
        self._deadline_seconds: float | None = None
        self._deadline: float | None = None
        self._socket: socket.socket | None = None
        self._pid: int | None = None
        if not (runtime.scratch / Path(directory).name / f"{stage_id}.py").is_file():
            self.status, self.message = "missing", "missing"
            return
        opened = self._spawn()
        self.status = "graded" if opened is None else "import-error"
        self.message = opened or ""

    def set_deadline(self, seconds: float | None) -> None:
        self._deadline_seconds = seconds
        self._deadline = None if seconds is None else time.monotonic() + seconds

    def _spawn(self) -> str | None:
        """Fork a fresh stage process; None when it imported, else the import error."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "fork", "stage": self.stage_id, "directory": self.directory,
                   "uid": self.runtime.uid(self.stage_id), "gid": self.runtime.gid,
                   "never_root": self.runtime.never_root,
                   "limits": {"memory_bytes": self.runtime.limits.memory_bytes,
                              "processes": self.runtime.limits.processes,
                              "output_bytes": self.runtime.limits.output_bytes}}
        try:
            reply = self.runtime.request(request, [theirs.fileno()])
        except SlotBroken:
            self.runtime.restart()
            reply = self.runtime.request(request, [theirs.fileno()])
        finally:
            theirs.close()
        self._socket, self._pid = ours, reply["pid"]
        import_deadline = time.monotonic() + TEST_TIME_LIMIT  # an import gets a test's time
        try:
            hello = wire.receive(self._socket.fileno(), import_deadline)
        except wire.Deadline:
            self._kill()
            return f"importing {self.stage_id}.py did not finish within {TEST_TIME_LIMIT:g} s"
        except (wire.Closed, OSError, ProtocolError):
            ended = self._kill()
            return f"importing {self.stage_id}.py ended the process ({ended})"
        if hello.get("status") == "ready":
            return None
        self._kill()
        return str(hello.get("message", "the stage file could not be imported"))[:500]

    def exchange(self, request: dict) -> dict:
        """Send one call and wait for its answer, within the test's deadline."""
        if self._socket is None:
            problem = self._spawn()
            if problem is not None:
                return {"status": "crashed", "detail": problem}
        try:
            wire.send(self._socket.fileno(), request)
            return wire.receive(self._socket.fileno(), self._deadline)
        except wire.Deadline:
            self._kill()
            return {"status": "timeout"}
        except (wire.Closed, OSError) as error:
            ended = self._kill()
            return {"status": "crashed", "detail": ended if isinstance(error, wire.Closed)
                    else str(error)}
        except ProtocolError as error:
            self._kill()
            return {"status": "crashed", "detail": f"it sent malformed data ({error})"}

    def _kill(self, *, wait: bool = True) -> str:
        """Kill the stage process and everything of the slot's uid; how it ended.

        Without `wait`, the zygote sends the kills and reaps the process later: the
        grader does not need to know how a stage it is done with ended.
        """
        if self._socket is not None:
            self._socket.close()
        pid, self._socket, self._pid = self._pid, None, None
        if pid is None:
            return "ended"
        try:
            reply = self.runtime.request({"op": "kill", "pid": pid, "wait": wait,
                                          "uid": self.runtime.uid(self.stage_id)})
        except SlotBroken:
            self.runtime.restart()
            return "ended"
        self._keep_output(reply.get("output") or {})
        return reply["exit"]

    def _keep_output(self, printed: dict) -> None:
        """Add one process's output to the stage's: the first bytes, and the count."""
        self.output = (self.output + str(printed.get("head", "")))[:OUTPUT_HEAD_BYTES]
        self.output_bytes += int(printed.get("bytes", 0))

    def close(self) -> None:
        self._kill(wait=False)


class _SandboxHandle(StudentHandle):
    def __init__(self, session: SandboxSession) -> None:
        self._session = session

    def _send(self, request: dict) -> dict:
        return self._session.exchange(request)


def _uid_block() -> int:
    """The first of UID_BLOCK unprivileged uids for this slot, apart from other slots and runs."""
    return FIRST_UID + ((os.getpid() * 64 + next(_slots)) % UID_BLOCKS) * UID_BLOCK
