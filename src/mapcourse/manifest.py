"""The course manifest (`course.toml`): the stages, in order, with what each one needs.

Every part of the course reads the stage list from here: the stub generator, the
grader, hints, the nbgrader generator, the student release and the textbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mapcourse.term.policy import Assignment, LatePolicy

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
    "": frozenset({"course", "stages", "site", "generated", "term", "assignments"}),
    "course": frozenset({"title", "description", "solutions", "exercises", "hidden_tests",
                         "modules", "codecs"}),
    "stages": frozenset({"id", "title", "points", "page", "concept", "reading", "hints",
                         "derivation", "derivation_points"}),
    "site": frozenset({"content"}),
    "generated": frozenset({"nbgrader", "scripts"}),
    "generated.scripts": frozenset({"script", "output"}),
    "term": frozenset({"timezone", "extensions"}),
    "assignments": frozenset({"id", "title", "stages", "release", "due", "late_penalty",
                              "late_cap", "last_day"}),
}
REQUIRED_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"course", "stages"}),
    "course": frozenset({"title", "solutions", "exercises", "hidden_tests"}),
    "stages": frozenset({"id", "title", "points", "page", "concept", "hints"}),
    "site": frozenset(),
    "generated": frozenset(),
    "generated.scripts": frozenset({"script", "output"}),
    "term": frozenset(),
    "assignments": frozenset({"id", "stages", "due"}),
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

    assignments: tuple[Assignment, ...] = ()
    """The term's assignments (`[[assignments]]`), in course.toml's order."""
    timezone: str = "UTC"
    """Where dates without an offset are read (`[term] timezone`)."""
    extensions: Path | None = None
    """The per-student extensions CSV (`[term] extensions`), if the course keeps one."""

    @property
    def max_score(self) -> int:
        return sum(stage.points for stage in self.stages)

    def assignment(self, key: str) -> Assignment:
        """An assignment by its id."""
        for assignment in self.assignments:
            if key == assignment.id:
                return assignment
        names = ", ".join(a.id for a in self.assignments) or "none: add [[assignments]] to " \
            f"{self.root / MANIFEST_NAME}"
        raise KeyError(f"no assignment {key!r}; the assignments are {names}")

    def restrict(self, stage_ids: tuple[str, ...]) -> Course:
        """The same course with only these stages (their numbers kept): what grading an
        assignment sees, so that no other stage is graded, listed or scored."""
        wanted = set(stage_ids)
        return dataclasses.replace(
            self, stages=tuple(stage for stage in self.stages if stage.id in wanted))

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
    """The course root: $MAPCOURSE_ROOT (which `mapcourse --course DIR` sets), else the
    nearest folder with a course.toml, from `start` (the working folder) up. Never the
    checkout this package was installed from: a command run outside a course refuses,
    rather than read or write a course it was not given."""
    if env := os.environ.get("MAPCOURSE_ROOT"):
        root = Path(env)
        if not (root / MANIFEST_NAME).is_file():
            raise CourseNotFound(f"{env} holds no {MANIFEST_NAME}: give the folder of a "
                                 f"course (--course DIR or MAPCOURSE_ROOT)")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST_NAME).is_file():
            return folder
    raise CourseNotFound(f"no {MANIFEST_NAME} in {here} or any folder above it: run this "
                         f"inside a course, or give its folder with --course DIR")


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
    term = data.get("term", {})
    _check_keys("term", "[term]", term, path)
    timezone = _typed(term, "timezone", str, "[term]", path, "UTC")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ManifestError(f"{path}: [term] timezone = {timezone!r} is not a time zone "
                            "(give an IANA name such as 'Europe/London' or 'UTC')") from None
    extensions = _typed(term, "extensions", str, "[term]", path, None)
    assignments = _assignments(data.get("assignments", []), stages, zone, path)
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
        assignments=assignments,
        timezone=timezone,
        extensions=root / extensions if extensions else None,
    )


def _typed(table: dict, key: str, kind: type | tuple[type, ...], where: str, path: Path,
           default=None):
    """table[key] when it is of `kind` (or the default when absent); else a ManifestError
    naming the file, the key, the value and what was expected."""
    if key not in table:
        return default
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        expected = " or ".join(KIND_NAMES.get(k, k.__name__) for k in kinds)
        raise ManifestError(f"{path}: {key} = {value!r} in {where} must be {expected}")
    return value


KIND_NAMES = {str: "a string", int: "a whole number", float: "a number", list: "a list",
              dt.datetime: "a date-time (2027-01-18T23:59:00)", dt.date: "a date (2027-01-18)"}


def _moment(entry: dict, key: str, where: str, path: Path, zone: ZoneInfo,
            end_of_day: bool) -> dt.datetime | None:
    """A TOML date-time or date as an aware datetime: an offset is kept, a local date-time
    is read in the term's time zone, a bare date is the start (or end) of that day."""
    value = _typed(entry, key, (dt.datetime, dt.date), where, path)
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        clock = dt.time(23, 59, 59) if end_of_day else dt.time(0, 0)
        value = dt.datetime.combine(value, clock)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _share(entry: dict, key: str, where: str, path: Path, default: float) -> float:
    value = _typed(entry, key, (int, float), where, path, default)
    if not 0 <= value <= 1:
        raise ManifestError(f"{path}: {key} = {value!r} in {where} must be a share of the "
                            "points between 0 and 1 (0.1 takes 10%)")
    return float(value)


def _assignments(entries: object, stages: list[Stage], zone: ZoneInfo,
                 path: Path) -> tuple[Assignment, ...]:
    if not isinstance(entries, list):
        raise ManifestError(f"{path}: assignments must be [[assignments]] tables")
    order = {stage.id: stage.number for stage in stages}
    found: list[Assignment] = []
    for number, entry in enumerate(entries, start=1):
        where = f"[[assignments]] entry {number}"
        _check_keys("assignments", where, entry, path)
        name = _typed(entry, "id", str, where, path)
        if not name or any(char.isspace() or char in "/\\" for char in name) \
                or name in {a.id for a in found}:
            raise ManifestError(f"{path}: id = {name!r} in {where} must be a new name without "
                                "spaces or slashes (it is given to --assignment)")
        where = f"assignment {name!r}"
        listed = _typed(entry, "stages", list, where, path)
        unknown = [s for s in listed if s not in order]
        if not listed or unknown:
            raise ManifestError(f"{path}: stages = {listed!r} in {where} must list stage ids "
                                f"of [[stages]]" + (f"; {unknown[0]!r} is none" if unknown else ""))
        release = _moment(entry, "release", where, path, zone, end_of_day=False)
        due = _moment(entry, "due", where, path, zone, end_of_day=True)
        last_day = _moment(entry, "last_day", where, path, zone, end_of_day=True)
        if release is not None and release > due:
            raise ManifestError(f"{path}: {where} is due ({due}) before its release ({release})")
        if last_day is not None and last_day < due:
            raise ManifestError(f"{path}: {where} has a last_day ({last_day}) before it is "
                                f"due ({due})")
        policy = LatePolicy(penalty=_share(entry, "late_penalty", where, path, 0.0),
                            cap=_share(entry, "late_cap", where, path, 1.0), last_day=last_day)
        found.append(Assignment(
            id=name, title=_typed(entry, "title", str, where, path, name),
            stages=tuple(sorted(dict.fromkeys(listed), key=order.__getitem__)),
            due=due, release=release, late=policy))
    return tuple(found)


@cache
def load_course(root: Path | None = None) -> Course:
    """Read course.toml from the course root."""
    root = (root or find_root()).resolve()
    return parse_manifest(root, (root / MANIFEST_NAME).read_text())
