"""How student code is kept apart, and choosing how: bubblewrap > unprivileged user > refuse.

- bubblewrap: namespaces; the stage sees its own files, the system's and Python's
  folders, no course, no network, no other process.
- unprivileged user (bubblewrap missing or not permitted, the grader running as root):
  the stage runs as a uid of its own, with a Python that uid can run, and only when
  that uid cannot read the course's hidden suites and solutions.
- none: only with --no-sandbox, for code the instructor trusts.

Student code never runs as root: when neither isolation is possible, grading stops
with `IsolationRefused`, whose message says why and what to do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mapcourse
from mapcourse.grading.cache import CACHE_FOLDER
from mapcourse.manifest import Course
from mapcourse.sandbox.bwrap import ENVIRONMENT, bwrap_problem

BUBBLEWRAP, UNPRIVILEGED, NONE = "bubblewrap", "unprivileged user", "none"
PYTHON_VARIABLE = "MAPCOURSE_SANDBOX_PYTHON"  # a Python the unprivileged uids can run
FIRST_UID, UID_BLOCK = 200_000, 16
PROBE_UID = FIRST_UID - 1
OLDEST_PYTHON = (3, 10)
TRUSTED_RUN = "pass --no-sandbox to grade code you trust without isolation"

_PROBE = r"""
import importlib.util, json, os, sys
sys.path.insert(0, sys.argv[1])
spec = importlib.util.find_spec("mapcourse")
modules, secrets = json.loads(sys.argv[2]), sys.argv[3:]
readable = []
for path in secrets:
    try:
        os.listdir(path) if os.path.isdir(path) else open(path, "rb").close()
        readable.append(path)
    except OSError:
        pass
missing = [name for name in modules if importlib.util.find_spec(name) is None]
print(json.dumps({"missing": missing, "package": spec.origin if spec else None,
                  "readable": readable, "version": list(sys.version_info[:2])}))
"""


@dataclass(frozen=True)
class Isolation:
    """An isolation level, the words that name it, and the Python stage code runs on."""

    level: str
    description: str
    python: str = sys.executable


class IsolationRefused(Exception):
    """No way to run student code safely here; the message says why and what to do."""


def trusted_run() -> Isolation:
    """No isolation (--no-sandbox): the instructor vouches for the code."""
    return Isolation(NONE, "not isolated (the instructor passed --no-sandbox)")


def choose_isolation(course: Course, *, trusted: bool = False) -> Isolation:
    """The strongest isolation this machine allows; IsolationRefused when none is safe."""
    if trusted:
        return trusted_run()
    problem = bwrap_problem()
    if problem is None:
        return Isolation(BUBBLEWRAP, "isolated with bubblewrap")
    without = f"bubblewrap could not start: {problem}"
    if os.geteuid() != 0:
        raise IsolationRefused(
            f"{without}; without it, student code is kept from the course only by running "
            "it as another user, which needs the grader to run as root: install bubblewrap "
            f"(apt-get install bubblewrap), grade as root, or {TRUSTED_RUN}")
    python, readable = unprivileged_python(_course_secrets(course), course.modules)
    if readable:
        folders = " ".join(str(folder) for folder in (course.hidden_tests_dir,
                                                      course.solutions_dir,
                                                      course.root / CACHE_FOLDER)
                           if folder.exists())
        raise IsolationRefused(
            f"{without}; student code would run as an unprivileged user, but that user can "
            f"read {readable[0]}: run chmod -R go-rwx {folders} (and keep other copies of "
            f"the course private), install bubblewrap, or {TRUSTED_RUN}")
    return Isolation(UNPRIVILEGED, f"run as an unprivileged user without bubblewrap "
                                   f"({without})", python)


def unprivileged_python(secrets: list[Path], modules: Sequence[str] = ("numpy",)
                        ) -> tuple[str, list[str]]:
    """A Python an unprivileged uid can run, with `modules` (the course's: numpy and torch
    here) and this package; and which of `secrets` that uid can read. IsolationRefused
    when no candidate works."""
    problems = []
    for candidate in _candidates():
        found = _probe(candidate, secrets, modules)
        if isinstance(found, list):
            return candidate, found
        problems.append(f"{candidate}: {found}")
    raise IsolationRefused(
        f"bubblewrap could not start: {bwrap_problem()}; student code would run as an "
        f"unprivileged user, but no Python that user can run fits ({'; '.join(problems)}): "
        f"install {' and '.join(modules)} for a Python outside root's home, set "
        f"{PYTHON_VARIABLE} "
        f"to one, install bubblewrap, or {TRUSTED_RUN}")


def _candidates() -> list[str]:
    """$MAPCOURSE_SANDBOX_PYTHON, this interpreter, then the system's Pythons (by path, not
    by what they link to: a virtual environment's python has packages its base lacks)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = "/usr/local/bin:/usr/bin:/bin"
    names = [os.environ.get(PYTHON_VARIABLE), sys.executable,
             shutil.which(version, path=system), shutil.which("python3", path=system)]
    return list(dict.fromkeys(os.path.abspath(name) for name in names if name))


def _probe(python: str, secrets: list[Path], modules: Sequence[str]) -> list[str] | str:
    """Run `python` as PROBE_UID: the secrets it can read, or what is wrong with it."""
    package = Path(mapcourse.__file__).resolve().parent
    command = [python, "-I", "-c", _PROBE, str(package.parent), json.dumps(list(modules)),
               *map(str, secrets)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                cwd="/", env=ENVIRONMENT, user=PROBE_UID, group=PROBE_UID,
                                extra_groups=[])
        found = json.loads(result.stdout)
    except OSError as error:
        return f"an unprivileged user cannot run it ({error.strerror})"
    except subprocess.TimeoutExpired:
        return "it did not answer within 120 s"
    except ValueError:
        detail = result.stderr.strip().splitlines()
        return f"it failed ({detail[-1][:200] if detail else f'status {result.returncode}'})"
    if tuple(found["version"]) < OLDEST_PYTHON:
        return (f"it is Python {'.'.join(map(str, found['version']))}, older than "
                f"{'.'.join(map(str, OLDEST_PYTHON))}")
    if found["missing"]:
        return f"{', '.join(found['missing'])} not importable by an unprivileged user"
    if found["package"] != str(package / "__init__.py"):
        return f"{package} is not readable by an unprivileged user"
    return found["readable"]


def _course_secrets(course: Course) -> list[Path]:
    """The hidden suites', the solutions' and the grading cache's folders (it holds the
    reference's answers) and every file in them."""
    secrets = []
    for folder in (course.hidden_tests_dir, course.solutions_dir, course.root / CACHE_FOLDER):
        if folder.is_dir():
            secrets += [folder, *sorted(folder.rglob("*"))]
    return secrets
