"""The course manifest (`course.toml`): the stages, in order, with what each one needs.

Every part of the course reads the stage list from here: the stub generator, the
grader, hints, the nbgrader generator, the student release and the textbook.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default image): the same parser, from PyPI
    import tomli as tomllib

MANIFEST_NAME = "course.toml"


class CourseNotFound(Exception):
    """No course.toml could be found."""


@dataclass(frozen=True)
class Stage:
    """One stage of the course: a file students write, worth `points`."""

    id: str
    title: str
    points: int
    page: str
    concept: str
    hints: tuple[str, ...]
    derivation: str | None = None
    derivation_points: int = 0

    @property
    def filename(self) -> str:
        return f"{self.id}.py"

    @property
    def number(self) -> int:
        return int(self.id.removeprefix("stage").split("_")[0])


@dataclass(frozen=True)
class Course:
    """The whole course: its root folder and its stages in order."""

    root: Path
    title: str
    stages: tuple[Stage, ...]
    solutions_dir: Path
    exercises_dir: Path
    hidden_tests_dir: Path

    @property
    def max_score(self) -> int:
        return sum(stage.points for stage in self.stages)

    def stage(self, key: str) -> Stage:
        """A stage by id (`stage1_mle_coin`), file name, or number (`1`)."""
        for stage in self.stages:
            if key in (stage.id, stage.filename, str(stage.number), f"stage{stage.number}"):
                return stage
        names = ", ".join(stage.id for stage in self.stages)
        raise KeyError(f"no stage {key!r}; the stages are {names}")

    def hidden_suite(self, stage: Stage) -> Path:
        return self.hidden_tests_dir / f"test_{stage.id}.py"


def find_root(start: Path | None = None) -> Path:
    """The course root: $MAPCOURSE_ROOT, else the nearest folder up with course.toml,
    else the checkout this package was installed from."""
    if env := os.environ.get("MAPCOURSE_ROOT"):
        root = Path(env)
        if not (root / MANIFEST_NAME).is_file():
            raise CourseNotFound(f"MAPCOURSE_ROOT={env} holds no {MANIFEST_NAME}")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents, *Path(__file__).resolve().parents):
        if (folder / MANIFEST_NAME).is_file():
            return folder
    raise CourseNotFound(f"no {MANIFEST_NAME} here or above; set MAPCOURSE_ROOT to the course")


def project_table(course: Course) -> dict:
    """The course's own pyproject.toml `[project]` table: dependencies, Python, version."""
    return tomllib.loads((course.root / "pyproject.toml").read_text())["project"]


@cache
def load_course(root: Path | None = None) -> Course:
    """Read course.toml from the course root."""
    root = (root or find_root()).resolve()
    data = tomllib.loads((root / MANIFEST_NAME).read_text())
    settings = data["course"]
    stages = tuple(
        Stage(
            id=entry["id"],
            title=entry["title"],
            points=int(entry["points"]),
            page=entry["page"],
            concept=entry["concept"],
            hints=tuple(entry["hints"]),
            derivation=entry.get("derivation"),
            derivation_points=int(entry.get("derivation_points", 0)),
        )
        for entry in data["stages"]
    )
    return Course(
        root=root,
        title=settings["title"],
        stages=stages,
        solutions_dir=root / settings["solutions"],
        exercises_dir=root / settings["exercises"],
        hidden_tests_dir=root / settings["hidden_tests"],
    )
