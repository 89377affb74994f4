"""Grading runs, each in its own folder, written once.

`mapcourse grade --out DIR` writes a run into DIR with `run.json`: when it ran, what it
graded (the paths, the assignment, the options), the engine's version and a hash of
course.toml and of each stage's hidden suite. A DIR that already holds a run is never
written over: the new run goes beside it, into DIR.2 (then DIR.3, ...), and records the
run it follows. `mapcourse regrade DIR` reads a run's record to grade again only what
changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from mapcourse.files import write_atomic
from mapcourse.manifest import MANIFEST_NAME, Course

RUN_FILE = "run.json"
CLASS_FILE = "class.json"  # what report.saved keeps; a folder holding one holds a run


class RunError(Exception):
    """A folder that holds no run that can be read; the message says what to do."""


def holds_run(folder: Path) -> bool:
    return (folder / RUN_FILE).is_file() or (folder / CLASS_FILE).is_file()


def beside(folder: Path) -> Path:
    """The first of DIR.2, DIR.3, ... that does not exist, for a run after DIR's."""
    match = re.fullmatch(r"(.*)\.(\d+)", folder.name)
    stem = match.group(1) if match else folder.name
    number = int(match.group(2)) + 1 if match else 2
    while (candidate := folder.with_name(f"{stem}.{number}")).exists():
        number += 1
    return candidate


def suite_hashes(course: Course) -> dict[str, str]:
    """Each graded stage's hidden suite, as a hash of its bytes."""
    return {stage.id: _sha256(course.hidden_suite(stage)) for stage in course.stages}


def engine_version() -> str:
    try:
        return metadata.version("mapcourse")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Run:
    """A run's record, as run.json holds it."""

    folder: Path
    data: dict

    @property
    def assignment(self) -> str | None:
        return self.data.get("assignment")

    @property
    def stages(self) -> list[str]:
        return list(self.data.get("stages", []))

    @property
    def suites(self) -> dict[str, str]:
        return dict(self.data.get("suites", {}))

    @property
    def options(self) -> dict:
        return dict(self.data.get("options", {}))

    @property
    def previous(self) -> str | None:
        return self.data.get("previous")


def record(out: Path, course: Course, *, assignment: str | None, paths: list[Path],
           options: dict, started: datetime, previous: Path | None = None,
           regraded: list[str] | None = None) -> Run:
    """Write out/run.json for a run that has just finished."""
    data = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "engine": engine_version(),
        "course": course.title,
        "assignment": assignment,
        "stages": [stage.id for stage in course.stages],
        "paths": [str(path.resolve()) for path in paths],
        "options": options,
        "manifest": _sha256(course.root / MANIFEST_NAME),
        "suites": suite_hashes(course),
        "previous": str(previous.resolve()) if previous is not None else None,
    }
    if regraded is not None:
        data["regraded"] = regraded
    write_atomic(out / RUN_FILE, json.dumps(data, indent=1) + "\n")
    return Run(out, data)


def load(folder: Path) -> Run:
    path = folder / RUN_FILE
    try:
        return Run(folder, json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise RunError(f"{folder} holds no {RUN_FILE}: give the --out folder of a "
                       "`mapcourse grade` run") from None
    except (OSError, ValueError) as error:
        raise RunError(f"{path} cannot be read ({error})") from None


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
