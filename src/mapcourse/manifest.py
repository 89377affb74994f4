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


class ManifestError(CourseNotFound):
    """A course.toml that cannot be read as a course: the message names the key and the fix."""


# Every key course.toml may hold, per table. A key not listed here is an error that names it,
# so a misspelt key never silently falls back to a default.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"course", "stages", "site", "generated"}),
    "course": frozenset({"title", "description", "solutions", "exercises", "hidden_tests",
                         "modules", "codecs"}),
    "stages": frozenset({"id", "title", "points", "page", "concept", "reading", "hints",
                         "derivation", "derivation_points"}),
    "site": frozenset({"content"}),
    "generated": frozenset({"nbgrader", "scripts"}),
    "generated.scripts": frozenset({"script", "output"}),
}
REQUIRED_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"course", "stages"}),
    "course": frozenset({"title", "solutions", "exercises", "hidden_tests"}),
    "stages": frozenset({"id", "title", "points", "page", "concept", "hints"}),
    "site": frozenset(),
    "generated": frozenset(),
    "generated.scripts": frozenset({"script", "output"}),
}


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
    number: int = 0
    """The stage's place in the course, from 1: its position in course.toml."""
    reading: tuple[str, ...] = ()
    """Textbook pages (under docs/) that lead to `concept`; the textbook lists them before it."""

    @property
    def filename(self) -> str:
        return f"{self.id}.py"


@dataclass(frozen=True)
class GeneratorScript:
    """A course's own generator: `python SCRIPT OUTPUT` writes the whole folder OUTPUT."""

    script: Path
    output: Path


@dataclass(frozen=True)
class Course:
    """The whole course: its root folder and its stages in order."""

    root: Path
    title: str
    stages: tuple[Stage, ...]
    solutions_dir: Path
    exercises_dir: Path
    hidden_tests_dir: Path
    description: str = ""
    site_content: str | None = None
    """The module that writes the textbook's computed pages and figures (`[site] content`)."""
    nbgrader_dir: Path | None = None
    """Where the course keeps its generated nbgrader course (`[generated] nbgrader`)."""
    generator_scripts: tuple[GeneratorScript, ...] = ()
    """The course's own generators (`[[generated.scripts]]`), run by `mapcourse regenerate`."""
    modules: tuple[str, ...] = ("numpy",)
    """What stage code imports (`[course] modules`): a sandbox must offer them, and imports
    them once before it forks."""
    codecs: tuple[str, ...] = ()
    """The value types its functions exchange beyond plain data (`[course] codecs`: modules
    of `mapcourse.codecs`, such as `mapcourse.codecs.torch`)."""

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


def _check_keys(table: str, where: str, entry: object, path: Path) -> None:
    """Raise ManifestError naming any unknown or missing key of one manifest table."""
    if not isinstance(entry, dict):
        raise ManifestError(f"{path}: {where} must be a table")
    unknown = sorted(set(entry) - KNOWN_KEYS[table])
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS[table]))
        raise ManifestError(f"{path}: unknown key {unknown[0]!r} in {where} "
                            f"(the keys there are {known})")
    missing = sorted(REQUIRED_KEYS[table] - set(entry))
    if missing:
        raise ManifestError(f"{path}: {where} has no {missing[0]!r}")


def parse_manifest(root: Path, text: str) -> Course:
    """The course that a course.toml's text describes, its folders under root."""
    path = root / MANIFEST_NAME
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{path}: {error}") from None
    _check_keys("", "the top level", data, path)
    settings, site, generated = data["course"], data.get("site", {}), data.get("generated", {})
    _check_keys("course", "[course]", settings, path)
    _check_keys("site", "[site]", site, path)
    _check_keys("generated", "[generated]", generated, path)
    for number, entry in enumerate(generated.get("scripts", ()), start=1):
        _check_keys("generated.scripts", f"[[generated.scripts]] entry {number}", entry, path)
    if not isinstance(data["stages"], list) or not data["stages"]:
        raise ManifestError(f"{path}: no [[stages]]")
    seen: set[str] = set()
    stages = []
    for number, entry in enumerate(data["stages"], start=1):
        _check_keys("stages", f"stage {number} ([[stages]] entry {number})", entry, path)
        stage_id = entry["id"]
        if not str(stage_id).isidentifier() or stage_id in seen:
            raise ManifestError(f"{path}: stage id {stage_id!r} must be a new Python "
                                f"identifier (it names the file {stage_id}.py)")
        seen.add(stage_id)
        stages.append(Stage(
            id=stage_id,
            title=entry["title"],
            points=int(entry["points"]),
            page=entry["page"],
            concept=entry["concept"],
            hints=tuple(entry["hints"]),
            derivation=entry.get("derivation"),
            derivation_points=int(entry.get("derivation_points", 0)),
            number=number,
            reading=tuple(entry.get("reading", ())),
        ))
    return Course(
        root=root,
        title=settings["title"],
        stages=tuple(stages),
        solutions_dir=root / settings["solutions"],
        exercises_dir=root / settings["exercises"],
        hidden_tests_dir=root / settings["hidden_tests"],
        description=settings.get("description") or f"An auto-graded course: {settings['title']}.",
        site_content=site.get("content"),
        nbgrader_dir=root / generated["nbgrader"] if "nbgrader" in generated else None,
        generator_scripts=tuple(GeneratorScript(root / entry["script"], root / entry["output"])
                                for entry in generated.get("scripts", ())),
        modules=tuple(settings.get("modules", ("numpy",))),
        codecs=tuple(settings.get("codecs", ())),
    )


@cache
def load_course(root: Path | None = None) -> Course:
    """Read course.toml from the course root."""
    root = (root or find_root()).resolve()
    return parse_manifest(root, (root / MANIFEST_NAME).read_text())
