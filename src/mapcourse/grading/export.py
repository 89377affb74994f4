"""Writing a grading run's files for instructors, each one atomically.

`--out DIR` gets grades.csv, results/<id>.json (Gradescope's format) and
feedback/<id>.md, the gradebooks of Canvas and Moodle (canvas.csv, moodle.csv), class.json
and report.html (`mapcourse.report`). Every file is written to a temporary name and
renamed, so an interrupted run leaves whole files or none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mapcourse.files import write_atomic
from mapcourse.grading import render
from mapcourse.grading.results import GradeReport, SubmissionResult
from mapcourse.manifest import Course

if TYPE_CHECKING:
    from mapcourse.term.standing import Standing


def write_submission(out: Path, submission: SubmissionResult, course: Course,
                     sandbox: str, standing: Standing | None = None,
                     heading: str = "") -> None:
    """The files of one submission, as soon as it is graded; with its standing in an
    assignment (written points, lateness) when the run has one."""
    write_atomic(out / "results" / f"{submission.id}.json",
                 render.gradescope(submission, sandbox=sandbox, standing=standing))
    write_atomic(out / "feedback" / f"{submission.id}.md",
                 render.feedback(submission, course, isolation=sandbox, standing=standing,
                                 heading=heading))


def write_grades(out: Path, report: GradeReport, course: Course,
                 standings: Mapping[str, Standing] | None = None) -> None:
    """grades.csv: the class, once every submission is graded (and its files written)."""
    write_atomic(out / "grades.csv", render.to_csv(report, course, standings))


# Learning platforms' gradebook imports. Canvas matches a row to a student by the Canvas
# user ID, the SIS User ID, the SIS Login ID or the name, and a column to an assignment by
# its name (an unknown name creates the assignment, its points from the "Points Possible"
# row). Moodle's CSV import asks which column identifies the user (username, ID number or
# email address) and which grade item each other column fills.
CANVAS_FILE, MOODLE_FILE = "canvas.csv", "moodle.csv"
CANVAS_STUDENT = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_USER = ("Username", "ID number", "Email address")
# A roster's columns: the submission id, then what the platforms know the student by.
ROSTER = {"id": None, "name": "Student", "canvas_id": "ID", "sis_user_id": "SIS User ID",
          "sis_login_id": "SIS Login ID", "section": "Section", "username": "Username",
          "idnumber": "ID number", "email": "Email address"}


class RosterError(Exception):
    """A roster that cannot be read; the message says what to fix."""


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """A roster CSV (`id` and any of ROSTER's columns) as {submission id: {column: value}}."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"the roster {path} cannot be read ({error})") from None
    columns = set(rows[0]) if rows else set()
    if "id" not in columns:
        raise RosterError(f"the roster {path} has no `id` column: give each student's "
                          "submission folder name in a column named id")
    if unknown := sorted(columns - set(ROSTER)):
        raise RosterError(f"the roster {path} has unknown columns {', '.join(unknown)}: use "
                          f"{', '.join(ROSTER)}")
    return {row["id"].strip(): {key: (value or "").strip() for key, value in row.items()
                                if key != "id"} for row in rows if row["id"].strip()}


def assignment_names(course: Course) -> list[str]:
    """One gradebook column per stage: "Stage 1: Maximum likelihood for a coin"."""
    return [f"Stage {stage.number}: {stage.title}" for stage in course.stages]


def canvas_csv(report: GradeReport, course: Course,
               roster: dict[str, dict[str, str]] | None = None) -> str:
    """Canvas's gradebook import: the student columns, a "Points Possible" row, a row per
    submission. Without a roster entry the submission id is the SIS Login ID (and name)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CANVAS_STUDENT, *assignment_names(course)])
    writer.writerow(["    Points Possible", "", "", "", "",
                     *(stage.points for stage in course.stages)])
    for submission in report.submissions:
        known = (roster or {}).get(submission.id, {})
        student = {"Student": submission.id, "SIS Login ID": submission.id} if not known else {}
        student |= {ROSTER[key]: value for key, value in known.items() if value}
        writer.writerow([*(student.get(column, "") for column in CANVAS_STUDENT),
                         *(_number(stage.score) for stage in submission.stages)])
    return out.getvalue()


def moodle_csv(report: GradeReport, course: Course,
               roster: dict[str, dict[str, str]] | None = None) -> str:
    """Moodle's grade import from CSV: the user's username, ID number and email address,
    then a column per stage. Without a roster entry the submission id is the username."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*MOODLE_USER, *assignment_names(course)])
    for submission in report.submissions:
        known = (roster or {}).get(submission.id, {})
        user = {"Username": submission.id} | {ROSTER[key]: value for key, value in known.items()
                                              if value and ROSTER[key] in MOODLE_USER}
        writer.writerow([*(user.get(column, "") for column in MOODLE_USER),
                         *(_number(stage.score) for stage in submission.stages)])
    return out.getvalue()


def write_gradebooks(out: Path, report: GradeReport, course: Course,
                     roster: dict[str, dict[str, str]] | None = None) -> None:
    """canvas.csv and moodle.csv beside grades.csv."""
    write_atomic(out / CANVAS_FILE, canvas_csv(report, course, roster))
    write_atomic(out / MOODLE_FILE, moodle_csv(report, course, roster))


def _number(value: float) -> str:
    return f"{value:g}"
