"""`mapcourse release`: the student repository, built from the course's single source.

It holds the stubs and visible tests (exercises/), the manifest, the student's part of
the `mapcourse` package (check, hint and the checks the tests use), a README, a
pyproject.toml that installs what the stubs need, and a GitHub Classroom workflow.
It is built in a scratch folder and searched for leaks (see `leaks`) before anything
is written to the destination: no solution, no hidden test, not even their names.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from mapcourse.manifest import MANIFEST_NAME, Course
from mapcourse.progress.workspace import FOLDER, RELEASE_INFO, digest
from mapcourse.release import render
from mapcourse.release.leaks import find_leaks
from mapcourse.release.package import PACKAGE, InstructorModuleNeeded, student_modules
from mapcourse.stubs import stale_stubs
from mapcourse.terms import GRADER_REQUIREMENTS

SKIPPED = re.compile(r"^\.|^__pycache__$|\.py[co]$")  # caches and hidden files


class ReleaseError(Exception):
    """The release cannot be built, or not there; the message says what to do."""


def build_release(course: Course, destination: Path, *, force: bool = False,
                  textbook: str | None = None) -> list[Path]:
    """Write the student repository into `destination`; return its files (relative).

    A non-empty destination is refused unless `force`, which replaces everything in
    it but `.git`. `textbook` is the published textbook's address (default: `site_url` of
    the course's mkdocs.yml); the README and `mapcourse check` link its pages.
    """
    destination = destination.resolve()
    _check_destination(course, destination, force)
    textbook = textbook_address(course, textbook)
    if stale := stale_stubs(course):
        names = ", ".join(path.name for path in stale)
        raise ReleaseError(f"exercises/ is stale against solutions/ ({names}): "
                           "run `mapcourse stubs` first")
    with tempfile.TemporaryDirectory(prefix="mapcourse-release-") as scratch:
        staging = Path(scratch)
        _write_release(course, staging, textbook)
        if leaks := find_leaks(course, staging):
            more = f" (and {len(leaks) - 3} more)" if len(leaks) > 3 else ""
            raise ReleaseError(f"the release would leak: {'; '.join(leaks[:3])}{more}")
        written = sorted(path.relative_to(staging) for path in staging.rglob("*")
                         if path.is_file())
        _clear(destination)
        shutil.copytree(staging, destination, dirs_exist_ok=True)
    return written


def _write_release(course: Course, root: Path, textbook: str) -> None:
    exercises = root / "exercises"
    shutil.copytree(course.exercises_dir, exercises,
                    ignore=lambda _, names: [name for name in names if SKIPPED.search(name)])
    shutil.copy(course.root / MANIFEST_NAME, root / MANIFEST_NAME)
    try:
        modules = student_modules(course.exercises_dir)
    except InstructorModuleNeeded as error:
        raise ReleaseError(str(error)) from None
    for source in modules.values():
        target = root / "src" / source.relative_to(PACKAGE.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    _write(root / "src" / PACKAGE.name / GRADER_REQUIREMENTS, render.grader_requirements(course))
    _write(root / "exercises" / "pytest.ini", render.pytest_ini(course))
    for stage in course.stages:
        if stage.derivation:
            _write(root / render.derivation_file(stage), render.derivation(stage))
    info = {"textbook": textbook,
            "stubs": {stage.id: digest(course.exercises_dir / stage.filename)
                      for stage in course.stages}}
    _write(root / FOLDER / RELEASE_INFO, json.dumps(info, indent=2) + "\n")
    _write(root / "README.md", render.readme(course, textbook))
    _write(root / "pyproject.toml", render.pyproject(course))
    _write(root / ".gitignore", render.gitignore())
    _write(root / ".github" / "workflows" / "classroom.yml", render.classroom_workflow(course))


def textbook_address(course: Course, given: str | None) -> str:
    """The textbook's address: `given` (`--textbook`), else mkdocs.yml's `site_url`."""
    address = given or site_url(course)
    source = "--textbook" if given else "site_url in mkdocs.yml"
    if not address:
        raise ReleaseError("the release needs the published textbook's address, to link each "
                           "stage's page: pass --textbook URL (such as https://<owner>.github.io/"
                           "<course>/) or set site_url in mkdocs.yml")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ReleaseError(f"{source} is {address!r}, not a web address: give the published "
                           "textbook's address, such as https://<owner>.github.io/<course>/")
    return address


def site_url(course: Course) -> str | None:
    """The textbook's address: `site_url` in the course's mkdocs.yml, if any."""
    config = course.root / "mkdocs.yml"
    if config.is_file() and (found := re.search(r"^site_url:\s*(\S+)", config.read_text(), re.M)):
        return found.group(1).strip("'\"")
    return None


def _check_destination(course: Course, destination: Path, force: bool) -> None:
    if destination.exists() and not destination.is_dir():
        raise ReleaseError(f"{destination} is a file; give a folder for the release")
    sources = (course.solutions_dir, course.exercises_dir, course.hidden_tests_dir,
               course.root / "src")
    if destination == course.root or destination in course.root.parents or any(
            destination == source or source in destination.parents for source in sources):
        raise ReleaseError(f"{destination} holds the course's own files; release into a "
                           "folder of its own (e.g. ../student-repo)")
    if destination.is_dir() and any(destination.iterdir()) and not force:
        raise ReleaseError(f"{destination} is not empty; pass --force to replace its "
                           "contents (its .git is kept)")


def _clear(destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    for path in destination.iterdir():
        if path.name == ".git":
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
