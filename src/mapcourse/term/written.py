"""The written parts' points: the derivations a person marks, read from a CSV.

Columns: `id` (the submission), `stage` (a stage id or number), `points`, and an optional
`comment` shown to the student. A stage with a derivation and no row is "not marked yet":
it counts 0 and is listed as such. Points above the derivation's worth, or for a stage
without one, are errors that name the line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course


class WrittenError(Exception):
    """A written-points CSV that cannot be read; the message names the line and the fix."""


@dataclass(frozen=True)
class Written:
    """One derivation of one submission."""

    stage: str
    max_points: int
    points: float | None = None
    """None: not marked yet."""
    comment: str = ""

    @property
    def score(self) -> float:
        return self.points or 0.0


def read_written(path: Path, course: Course) -> dict[tuple[str, str], Written]:
    """{(submission id, stage id): Written}, from a CSV or from nbgrader's gradebook.db."""
    if path.suffix == ".db":
        return read_formgrader(path, course)
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise WrittenError(f"the written points {path} cannot be read ({error})") from None
    if rows and (missing := {"id", "stage", "points"} - set(rows[0])):
        raise WrittenError(f"the written points {path} have no {sorted(missing)[0]} column "
                           "(give id, stage, points and optionally comment)")
    found = {}
    for line, row in enumerate(rows, start=2):
        where = f"{path}, line {line}"
        student = (row["id"] or "").strip()
        if not student:
            continue
        try:
            stage = course.stage((row["stage"] or "").strip())
        except KeyError as error:
            raise WrittenError(f"{where}: {error.args[0]}") from None
        if not stage.derivation_points:
            raise WrittenError(f"{where}: stage {stage.number} ({stage.id}) has no written part")
        try:
            points = float(row["points"])
        except (TypeError, ValueError):
            raise WrittenError(f"{where}: points = {row['points']!r} is not a number") from None
        if not 0 <= points <= stage.derivation_points:
            raise WrittenError(f"{where}: points = {points:g} must lie between 0 and "
                               f"{stage.derivation_points} (the derivation's worth)")
        found[student, stage.id] = Written(stage.id, stage.derivation_points, points,
                                           (row.get("comment") or "").strip())
    return found


def for_submission(submission_id: str, course: Course,
                   marked: dict[tuple[str, str], Written]) -> tuple[Written, ...]:
    """The written parts of the course's stages for one submission, marked or not."""
    return tuple(marked.get((submission_id, stage.id), Written(stage.id, stage.derivation_points))
                 for stage in course.stages if stage.derivation_points)


def read_formgrader(path: Path, course: Course) -> dict[tuple[str, str], Written]:
    """The derivations marked in nbgrader's Formgrader, from its gradebook.db: in each
    stage's notebook the manually graded cell `stageN-derivation`, its manual score and
    the marker's comment. A cell Formgrader has not scored yet is left unmarked."""
    if not path.is_file():
        raise WrittenError(f"no nbgrader gradebook at {path}")
    from nbgrader.api import Gradebook, MissingEntry

    from mapcourse.nbgrader.notebook import cell_id

    found = {}
    try:
        with Gradebook(f"sqlite:///{path}") as gradebook:
            names = {assignment.name for assignment in gradebook.assignments}
            for stage in course.stages:
                if not stage.derivation_points or stage.id not in names:
                    continue
                grade_id = cell_id(stage, "derivation")
                for submission in gradebook.assignment_submissions(stage.id):
                    student = submission.student.id
                    try:
                        grade = gradebook.find_grade(grade_id, stage.id, stage.id, student)
                        comment = gradebook.find_comment(grade_id, stage.id, stage.id, student)
                    except MissingEntry:
                        continue
                    points = grade.manual_score
                    if points is None:
                        continue
                    found[student, stage.id] = Written(
                        stage.id, stage.derivation_points,
                        min(float(points), stage.derivation_points),
                        (comment.manual_comment or "").strip())
    except Exception as error:  # noqa: BLE001 - a database nbgrader's API cannot read
        if isinstance(error, WrittenError):
            raise
        raise WrittenError(f"nbgrader's gradebook {path} cannot be read "
                           f"({type(error).__name__}: {error})") from None
    return found
