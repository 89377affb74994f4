"""The student's `.mapcourse/` folder: what the release ships and what `check` and `hint` keep.

- `release.json` (shipped, committed): the textbook's address and a SHA-256 digest of
  each stub as released, so `check` can tell an untouched stage without running it;
- `results.json` and `hints.json` (local, gitignored): the last test results of each
  stage and how many hints each stage has shown.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from mapcourse.manifest import Course, Stage

FOLDER = ".mapcourse"
RELEASE_INFO = "release.json"
RESULTS = "results.json"
HINTS = "hints.json"
LOCAL_FILES = (RESULTS, HINTS)


def state_dir(course: Course) -> Path:
    return course.root / FOLDER


def read_state(course: Course, name: str) -> dict[str, Any]:
    """A JSON object from `.mapcourse/<name>`; {} when it is missing or unreadable."""
    try:
        data = json.loads((state_dir(course) / name).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(course: Course, name: str, data: dict[str, Any]) -> None:
    folder = state_dir(course)
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def stage_dir(course: Course) -> Path:
    """Where the stage files are: $MAPCOURSE_STAGE_DIR (as in exercises/conftest.py) or
    the course's exercises folder."""
    return Path(os.environ.get("MAPCOURSE_STAGE_DIR", course.exercises_dir)).resolve()


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes; "" when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def is_pristine(course: Course, stage: Stage) -> bool:
    """Whether the stage file is still the stub as released (nothing written yet).

    A student repository knows each stub's digest from `release.json`; in the course
    repository the stubs are exercises/ itself.
    """
    released = read_state(course, RELEASE_INFO).get("stubs", {})
    expected = released.get(stage.id) or digest(course.exercises_dir / stage.filename)
    return bool(expected) and digest(stage_dir(course) / stage.filename) == expected


def textbook_link(course: Course, stage: Stage) -> str:
    """The stage's textbook page: in a student repository as the release names it, in
    the course repository the page's file in docs/."""
    info = read_state(course, RELEASE_INFO)
    return page_link(info.get("textbook"), stage) if info else f"docs/{stage.page}"


def page_link(textbook: str | None, stage: Stage) -> str:
    """The URL of the stage's page on the textbook site (mkdocs: `a/b.md` is `a/b/`), or
    the page's name when the site's address is not known."""
    if not textbook:
        return f"{stage.page.removesuffix('.md')} in the course textbook"
    page = stage.page.removesuffix(".md").removesuffix("index").strip("/")
    return f"{textbook.rstrip('/')}/{page}/"
