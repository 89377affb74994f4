"""Run a command as a Gradescope-like machine would: bubblewrap failing, Python readable.

Here the interpreter may live in root's home (pyenv under a 0700 /root) and the
checkout's solutions are readable by everyone. Inside a private mount namespace
(`unshare --mount`, which needs root), every folder on the way to the interpreter is
shown through a 0755 tmpfs holding only that way, and the checkout is shown holding
only `src/`, the package: as on a machine whose system Python is readable and whose
course is private. Nothing changes outside the namespace.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from mapcourse.sandbox.bwrap import python_folders

ROOT = Path(__file__).resolve().parents[2]


def can_unshare() -> bool:
    """Whether this process may make a private mount namespace (root, CAP_SYS_ADMIN)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


def _closed_folders() -> dict[Path, set[str]]:
    """Folders others cannot enter on the way to the interpreter, each with the entries
    below it that lead there (/root -> {".pyenv"})."""
    closed: dict[Path, set[str]] = {}
    for folder in python_folders():
        for parent in reversed(folder.parents[:-1]):
            if os.stat(parent).st_mode & 0o005 != 0o005:
                below = folder.relative_to(parent).parts[0]
                closed.setdefault(parent, set()).add(below)
                break
    return closed


def script(command: list[str], keep: Path) -> str:
    """A shell script that remounts as described above, then runs `command`."""
    lines = ["set -e"]
    shown = dict(_closed_folders())
    shown[ROOT] = {"src"}
    for index, (folder, entries) in enumerate(sorted(shown.items())):
        for entry in sorted(entries):
            handle = keep / f"{index}-{entry}"
            lines += [f"mkdir -p {shlex.quote(str(handle))}",
                      f"mount --bind {shlex.quote(str(folder / entry))} "
                      f"{shlex.quote(str(handle))}"]
        lines.append(f"mount -t tmpfs -o mode=0755 tmpfs {shlex.quote(str(folder))}")
        for entry in sorted(entries):
            handle = keep / f"{index}-{entry}"
            target = shlex.quote(str(folder / entry))
            lines += [f"mkdir {target}", f"mount --bind {shlex.quote(str(handle))} {target}"]
    lines.append("exec " + " ".join(map(shlex.quote, command)))
    return "\n".join(lines) + "\n"


def run_readable(command: list[str], keep: Path, env: dict[str, str],
                 timeout: float) -> subprocess.CompletedProcess:
    """`command` in the private namespace, with `env` added to this environment."""
    keep.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           script(command, keep)], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=timeout, cwd="/")


def private_course(folder: Path) -> Path:
    """A copy of the course whose hidden suites and solutions only root can read."""
    for name in ("course.toml", "pyproject.toml"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("solutions", "autograder", "exercises"):
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["chmod", "-R", "go-rwx", str(folder / "solutions"),
                    str(folder / "autograder")], check=True)
    return folder


def grade_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mapcourse", "grade", *args]
