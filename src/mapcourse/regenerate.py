"""Every generated file of a course, from its one source: `mapcourse regenerate`.

What is generated, from what (each reads course.toml):

- `exercises/<stage>.py`, the stubs, from `solutions/` (mapcourse.stubs);
- the nbgrader course in `[generated] nbgrader` (mapcourse.nbgrader.course), when nbgrader
  is installed;
- the README's stage table, between `<!-- stages: begin -->` and `<!-- stages: end -->`;
- each `[[generated.scripts]]` folder, written whole by `python SCRIPT OUTPUT` (this course:
  the sample class, `examples/make_sample_class.py`).

`expected_files` computes every file in memory (a script writes into a temporary folder);
`stale` compares it with the course, `regenerate` writes what differs and deletes what a
generated folder no longer holds. Nothing here prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course, GeneratorScript
from mapcourse.stubs import expected_stubs

README_BEGIN, README_END = "<!-- stages: begin -->", "<!-- stages: end -->"
_README_REGION = re.compile(re.escape(README_BEGIN) + r".*?" + re.escape(README_END), re.S)


class GenerateError(Exception):
    """A generator that failed; the message says which and why."""


@dataclass(frozen=True)
class Change:
    """One generated file that differs from what its source makes."""

    path: Path
    kind: str  # "stale", "missing" or "extra" (a generated folder no longer makes it)
    source: str  # what generates it, e.g. "stubs"


def readme_table(course: Course) -> str:
    """The README's table of stages, from the manifest."""
    def points(stage) -> str:
        written = f" + {stage.derivation_points} written" if stage.derivation_points else ""
        return f"{stage.points}{written}"

    rows = [f"| {stage.number} | `{stage.filename}` | {stage.title} | {points(stage)} |"
            for stage in course.stages]
    written = sum(stage.derivation_points for stage in course.stages)
    total = f"{course.max_score} autograded points" + (f" + {written} written" if written else "")
    return "\n".join([
        README_BEGIN,
        f"{len(course.stages)} stages, {total} "
        "(this table comes from course.toml, through `mapcourse regenerate`):",
        "",
        "| stage | file students write | what it is about | points |",
        "|---|---|---|---|",
        *rows,
        README_END,
    ])


def _readme(course: Course) -> dict[Path, bytes]:
    path = course.root / "README.md"
    if not path.is_file():
        return {}
    text = path.read_text()
    if README_BEGIN not in text:
        return {}
    return {path: _README_REGION.sub(lambda _: readme_table(course), text, count=1).encode()}


def nbgrader_missing() -> str | None:
    """The module that generating the nbgrader course needs and lacks, or None."""
    try:
        import mapcourse.nbgrader.course  # noqa: F401
    except ModuleNotFoundError as error:  # nbformat and nbgrader: the instructor extra
        return error.name
    return None


def skipped(course: Course) -> list[str]:
    """What cannot be generated with the packages installed here, and why."""
    if course.nbgrader_dir is not None and (missing := nbgrader_missing()):
        return [f"nbgrader course ({missing} is not installed: pip install "
                "'mapcourse[instructor]')"]
    return []


def _nbgrader(course: Course) -> dict[Path, bytes]:
    if course.nbgrader_dir is None or nbgrader_missing():
        return {}
    from mapcourse.nbgrader.course import course_files

    return {course.nbgrader_dir / relative: text.encode()
            for relative, text in course_files(course).items()}


def script_files(course: Course, generator: GeneratorScript) -> dict[Path, bytes]:
    """Every file that `python SCRIPT OUTPUT` writes, as it would land under OUTPUT."""
    with tempfile.TemporaryDirectory(prefix="mapcourse-regenerate-") as scratch:
        target = Path(scratch) / generator.output.name
        environment = {**os.environ, "MAPCOURSE_ROOT": str(course.root)}
        done = subprocess.run([sys.executable, str(generator.script), str(target)],
                              cwd=course.root, env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            raise GenerateError(f"{generator.script.relative_to(course.root)} failed:\n"
                                f"{done.stderr.strip()}")
        return {generator.output / path.relative_to(target): path.read_bytes()
                for path in sorted(target.rglob("*")) if path.is_file()}


def expected_files(course: Course) -> dict[str, dict[Path, bytes]]:
    """What generates what: source name -> {path: bytes it should hold}."""
    expected = {
        "stubs": {path: text.encode() for path, text in expected_stubs(course).items()},
        "nbgrader course": _nbgrader(course),
        "README stage table": _readme(course),
    }
    for generator in course.generator_scripts:
        expected[generator.script.relative_to(course.root).as_posix()] = script_files(
            course, generator)
    return expected


def _owned_folders(course: Course) -> dict[str, Path]:
    """Folders whose every file is generated: a file there that nothing makes is extra."""
    return {generator.script.relative_to(course.root).as_posix(): generator.output
            for generator in course.generator_scripts}


def changes(course: Course, expected: dict[str, dict[Path, bytes]]) -> list[Change]:
    """Where the course differs from `expected` (see expected_files)."""
    changes = []
    for source, files in expected.items():
        for path, data in files.items():
            if not path.is_file():
                changes.append(Change(path, "missing", source))
            elif path.read_bytes() != data:
                changes.append(Change(path, "stale", source))
    for source, folder in _owned_folders(course).items():
        made = set(expected[source])
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and path not in made and "__pycache__" not in path.parts:
                changes.append(Change(path, "extra", source))
    return changes


def stale(course: Course) -> list[Change]:
    """Every generated file that differs from what its source makes (nothing is written)."""
    return changes(course, expected_files(course))


def regenerate(course: Course) -> list[Change]:
    """Rewrite every stale generated file, delete the extra ones; return what changed."""
    expected = expected_files(course)
    found = changes(course, expected)
    for change in found:
        if change.kind == "extra":
            change.path.unlink()
            continue
        change.path.parent.mkdir(parents=True, exist_ok=True)
        change.path.write_bytes(expected[change.source][change.path])
    return found
