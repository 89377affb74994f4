"""The bubblewrap command line that starts a slot's zygote.

Inside, the student's code sees the system's read-only folders (/usr, /lib, /etc...),
the Python installation and its site-packages read-only, this package at
/opt/mapcourse, its own scratch folder at /sandbox, and a private /tmp. Nothing else
of the host: not the course (solutions/, autograder/), not the class folder, not the
instructor's home. No network, its own PID namespace, and the sandbox dies with the
grader.
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import mapcourse

SANDBOX_ROOT = "/sandbox"
PACKAGE_ROOT = "/opt/mapcourse"
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONNOUSERSITE": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MPLCONFIGDIR": "/tmp",
    "LANG": "C.UTF-8",
}


FRESH_FOLDERS = ("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp")
NAMESPACES = ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
              "--unshare-cgroup-try", "--die-with-parent", "--new-session")
BWRAP_VARIABLE = "MAPCOURSE_BWRAP"  # another bwrap binary (e.g. /bin/false, in tests)


def bwrap_binary() -> str:
    """The bubblewrap command: $MAPCOURSE_BWRAP, else bwrap on the PATH."""
    return os.environ.get(BWRAP_VARIABLE) or "bwrap"


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot make a sandbox here (None when it can)."""
    return _probe(bwrap_binary())


def bwrap_available() -> bool:
    """Whether bwrap exists and can make a sandbox on this machine."""
    return bwrap_problem() is None


@functools.cache
def _probe(binary: str) -> str | None:
    if shutil.which(binary) is None:
        return f"{binary} is not installed"
    probe = [binary, "--ro-bind", "/", "/", *FRESH_FOLDERS, *NAMESPACES, *_capabilities(),
             "true"]  # what the zygote's sandbox asks for, so a refusal shows here
    try:
        result = subprocess.run(probe, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return f"{binary} did not answer within 20 s"
    except OSError as error:
        return f"{binary} could not be run ({error.strerror})"
    if result.returncode == 0:
        return None
    detail = result.stderr.decode(errors="replace").strip().splitlines()
    said = f": {detail[-1][:200]}" if detail else ""
    return f"{binary} exited with status {result.returncode}{said}"


def _capabilities() -> list[str]:
    """As root, the zygote keeps what it needs to drop each stage to an unprivileged uid."""
    if os.geteuid() != 0:
        return []
    return ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]


def python_folders() -> list[Path]:
    """The folders the interpreter and its packages live in."""
    candidates = [sys.base_prefix, sys.prefix, *site.getsitepackages(),
                  Path(sys.executable).parent]
    folders: list[Path] = []
    for candidate in map(lambda p: Path(p).resolve(), candidates):
        if candidate.is_dir() and not any(_inside(candidate, kept) for kept in folders):
            folders = [kept for kept in folders if not _inside(kept, candidate)] + [candidate]
    return [folder for folder in folders
            if not any(_inside(folder, Path(system)) for system in SYSTEM_FOLDERS)]


def python_open_to_all() -> bool:
    """Whether an unprivileged user can reach the Python installation on this host."""
    return all(os.stat(parent).st_mode & 0o005 == 0o005
               for folder in python_folders() for parent in (folder, *folder.parents))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def zygote_command(scratch: Path, control_fd: int, *, isolate: bool,
                   python: str = sys.executable, cut_network: bool = False,
                   codecs: Sequence[str] = (), modules: Sequence[str] = (),
                   ) -> tuple[list[str], dict[str, str]]:
    """The command (and its environment) that starts a zygote serving `scratch`:
    bubblewrapped when isolate, else `python` itself (leaving the network if it can).
    The zygote imports `modules` and the `codecs` (module names) before it forks."""
    package = Path(mapcourse.__file__).resolve().parent
    if not isolate:
        return [python, "-I", "-c",
                f"import sys; sys.path.insert(0, {str(package.parent)!r}); "
                "from mapcourse.sandbox.zygote import main; "
                f"main({control_fd}, cut_network={cut_network}, "
                f"codec_modules={list(codecs)!r}, modules={list(modules)!r})"], {
                    **ENVIRONMENT, "HOME": str(scratch)}
    command = [bwrap_binary()]
    for folder in SYSTEM_FOLDERS:
        if Path(folder).exists():
            command += ["--ro-bind", folder, folder]
    command += FRESH_FOLDERS  # before the binds:
    for folder in python_folders():  # a virtual environment may live under /tmp
        for parent in reversed(folder.parents[:-1]):  # readable by the unprivileged uid
            command += ["--perms", "0755", "--dir", str(parent)]
        command += ["--ro-bind", str(folder), str(folder)]
    command += ["--ro-bind", str(package), f"{PACKAGE_ROOT}/mapcourse",
                "--bind", str(scratch), SANDBOX_ROOT,
                *NAMESPACES, "--clearenv", "--chdir", SANDBOX_ROOT, *_capabilities()]
    for name, value in {**ENVIRONMENT, "HOME": SANDBOX_ROOT, "PYTHONPATH": PACKAGE_ROOT}.items():
        command += ["--setenv", name, value]
    zygote = [sys.executable, "-m", "mapcourse.sandbox.zygote", str(control_fd),
              *(part for name in codecs for part in ("--codec", name)),
              *(part for name in modules for part in ("--module", name))]
    return [*command, "--", *zygote], {"PATH": ENVIRONMENT["PATH"]}
