"""A warm helper for `mapcourse check`: numpy, pytest and torch imported once, kept a while.

Stage 5's tests need torch, and a new Python spends seconds importing it (and
torch._dynamo, which the first optimizer step imports) before any test runs. So a check
that finds no helper (and runs its tests itself, if any) leaves one behind: a process
that imports all that once, listens on a Unix socket only its user can reach, and for
each request forks a child that runs the stages exactly as `check` would (one forked
process per stage, the student's files imported afresh, the caller's environment and
folder). It exits after `IDLE` seconds without a request.

One helper serves one course folder with one Python and one version of this package: all
of that goes into the socket's name, so a changed installation is never served by a
stale helper; the helper it replaces is asked to quit. The caller keeps the stored
results and the display; the helper only runs tests. Set MAPCOURSE_CHECK_SERVER=0 to
never use or start one (it is off when CI is set, unless MAPCOURSE_CHECK_SERVER=1). It
needs fork, Unix sockets and file locks, so it runs only where stages fork (Linux): this
module imports on every system, and elsewhere `enabled()` is False.

    python -m mapcourse.progress.server COURSE_ROOT SOCKET   # started by `check`
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mapcourse.manifest import MANIFEST_NAME, Course, Stage, load_course
from mapcourse.progress.processes import can_fork
from mapcourse.progress.runner import TIME_LIMIT, TestOutcome, preload, run_stages, uses_torch

SWITCH = "MAPCOURSE_CHECK_SERVER"  # "0": never; "1": even under CI
IDLE = 15 * 60.0  # seconds without a request before the helper exits
STARTUP_LIMIT = 120.0  # seconds a request may wait for a helper that is still importing


def enabled() -> bool:
    """Whether `check` may use (and start) a helper: where stages fork and the system has
    Unix sockets and file locks, unless switched off."""
    default = "0" if os.environ.get("CI") else "1"
    return (can_fork() and hasattr(socket, "AF_UNIX") and importlib.util.find_spec("fcntl")
            is not None and (os.environ.get(SWITCH) or default) != "0")


def idle_limit() -> float:
    """IDLE, or $MAPCOURSE_CHECK_SERVER_IDLE seconds."""
    try:
        return max(1.0, float(os.environ[f"{SWITCH}_IDLE"]))
    except (KeyError, ValueError):
        return IDLE


def runtime_dir() -> Path | None:
    """The private folder for the helpers' sockets and logs (created 0700); None when it
    exists but is not this user's alone, so nobody else's socket is ever trusted."""
    base = os.environ.get(f"{SWITCH}_DIR") or os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(base) if base else Path(tempfile.gettempdir()) / f"mapcourse-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    private = info.st_uid == os.getuid() and not info.st_mode & 0o077
    return folder if stat.S_ISDIR(info.st_mode) and private else None


def address(course: Course) -> Path | None:
    """The socket of the helper for this course, this Python and this package's code."""
    folder = runtime_dir()
    if folder is None:
        return None
    here = Path(__file__).resolve().parents[1]
    code = sorted((str(path.relative_to(here)), path.stat().st_mtime_ns, path.stat().st_size)
                  for path in here.rglob("*.py"))
    search = [entry for entry in sys.path if entry not in ("", os.getcwd())]
    manifest = (course.root / MANIFEST_NAME).stat().st_mtime_ns
    identity = json.dumps([manifest, sys.executable, sys.version, search, code])
    return folder / f"{_prefix(course)}{hashlib.sha256(identity.encode()).hexdigest()[:16]}.sock"


def _prefix(course: Course) -> str:
    """The start of the socket names of every helper of this course folder."""
    return f"check-{hashlib.sha256(str(course.root).encode()).hexdigest()[:12]}-"


def request(course: Course, stages: list[Stage]) -> dict[str, tuple[TestOutcome, ...]] | None:
    """The stages' outcomes from the course's helper; None when there is no helper (or it
    failed), and the caller runs the stages itself."""
    path = address(course)
    if path is None or not path.exists():
        return None
    answer = _ask(path, {"root": str(course.root), "cwd": os.getcwd(), "umask": _umask(),
                         "environ": dict(os.environ), "stages": [stage.id for stage in stages]})
    try:
        return {stage.id: tuple(TestOutcome(**test) for test in answer[stage.id])
                for stage in stages}
    except (KeyError, TypeError):
        return None


def _ask(path: Path, question: dict) -> dict | None:
    """Send a request to the helper at `path`; its answer, or None if it gave none."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(STARTUP_LIMIT + TIME_LIMIT)
            connection.connect(str(path))
            connection.sendall(json.dumps(question).encode())
            connection.shutdown(socket.SHUT_WR)
            answer = json.loads(_read_all(connection))
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def is_up(course: Course) -> bool:
    """Whether the course's helper has its socket in place (it may still be importing)."""
    path = address(course)
    return path is not None and path.is_socket()


def start(course: Course) -> None:
    """Start the course's helper in the background (it exits at once if one is running)."""
    path = address(course)
    if path is None:
        return
    for other in path.parent.glob(f"{_prefix(course)}*.sock"):
        if other != path:  # a helper of an older installation: it is of no more use
            _ask(other, {"quit": True})
    with contextlib.suppress(OSError):
        subprocess.Popen([sys.executable, "-P", "-m", __name__, str(course.root), str(path)],
                         cwd=course.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)


def serve(root: Path, path: Path, idle: float) -> None:
    """Listen at `path` until `idle` seconds pass without a request (or the course folder
    goes away). Only one helper holds a socket: the lock beside it says which."""
    import fcntl

    with open(path.with_suffix(".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another helper serves this course
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")  # which process the helper is
        lock.flush()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # left by a helper that was killed
        signal.signal(signal.SIGTERM, _quit)  # asked to quit: still remove the socket
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(path))
            listener.listen(16)  # requests wait here while torch is imported
            try:
                course = load_course(root)
                preload(uses_torch(course, list(course.stages)))
                _accept(listener, root, path, idle, lock.fileno())
            finally:
                with contextlib.suppress(OSError):
                    path.unlink()


def _accept(listener: socket.socket, root: Path, path: Path, idle: float, lock: int) -> None:
    """Fork a child for each request; return after `idle` seconds with nothing to do.
    The children keep neither the listening socket nor the lock."""
    children: set[int] = set()
    while True:
        ready, _, _ = select.select([listener], [], [], idle)
        for pid in list(children):
            if os.waitpid(pid, os.WNOHANG)[0]:
                children.discard(pid)
        if not ready:
            if children:
                continue
            return
        if not root.is_dir() or not path.exists():
            return
        connection, _ = listener.accept()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            listener.close()
            os.close(lock)
            _answer(connection, path.with_suffix(".log"))
        connection.close()
        children.add(pid)


def _answer(connection: socket.socket, log: Path) -> None:
    """In a forked child: answer one request, then exit."""
    code = 70
    try:
        asked = json.loads(_read_all(connection))
        if asked.get("quit"):
            os.kill(os.getppid(), signal.SIGTERM)
        else:
            _check(asked, connection, log)
        code = 0
    except BaseException:  # noqa: BLE001 - a forked child must never return to the loop
        code = 70
    finally:
        with contextlib.suppress(OSError):  # the caller's end, even if a stray process
            connection.shutdown(socket.SHUT_RDWR)  # the tests started holds a copy
        os._exit(code)


def _check(asked: dict, connection: socket.socket, log: Path) -> None:
    """Run the stages asked for as the caller would (its environment, folder and umask)."""
    started = time.monotonic()
    os.environ.clear()
    os.environ.update(asked["environ"])
    os.chdir(asked["cwd"])
    os.umask(asked["umask"])
    course = load_course(Path(asked["root"]))
    outcomes = run_stages(course, [course.stage(name) for name in asked["stages"]], warm=True)
    connection.sendall(json.dumps({stage_id: [vars(test) for test in tests]
                                   for stage_id, tests in outcomes.items()}).encode())
    with open(log, "a") as record:
        record.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} checked "
                     f"{' '.join(asked['stages'])} in {time.monotonic() - started:.2f} s\n")


def _quit(signum: int, frame: object) -> None:
    """SIGTERM: leave through the `finally` that removes the socket."""
    raise SystemExit(0)


def _read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    serve(Path(argv[0]), Path(argv[1]), idle_limit())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
