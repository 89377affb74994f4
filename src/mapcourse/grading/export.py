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
from mapcourse.grading import moodle, render
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
          "idnumber": "ID number", "email": "Email address",
          "participant": "Identifier", "moodle_modified": "Last modified (grade)"}


class RosterError(Exception):
    """A roster that cannot be read; the message says what to fix."""


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """A roster as {submission id: {column: value}}: either a CSV with `id` and any of
    ROSTER's columns, or the gradebook a platform exports as it is (Canvas: Student, ID,
    SIS User ID, SIS Login ID, Section; Moodle: First name, Last name, ID number, Email
    address). An exported student is found under each name a folder may have: login,
    SIS user id, Canvas id, username, ID number, email or the email's part before @."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"the roster {path} cannot be read ({error})") from None
    columns = set(rows[0]) if rows else set()
    if "id" not in columns and columns & set(EXPORTED):
        return _exported(rows)
    if "id" not in columns:
        raise RosterError(f"the roster {path} has no `id` column: give each student's "
                          "submission folder name in a column named id (or give the "
                          "gradebook Canvas or Moodle exports, as it is)")
    if unknown := sorted(columns - set(ROSTER)):
        raise RosterError(f"the roster {path} has unknown columns {', '.join(unknown)}: use "
                          f"{', '.join(ROSTER)}")
    return {row["id"].strip(): {key: (value or "").strip() for key, value in row.items()
                                if key != "id"} for row in rows if row["id"].strip()}


# The columns of the platforms' own exports, and the roster keys they fill.
EXPORTED = {"Student": "name", "ID": "canvas_id", "SIS User ID": "sis_user_id",
            "SIS Login ID": "sis_login_id", "Section": "section", "Username": "username",
            "ID number": "idnumber", "Email address": "email",
            # Moodle's offline grading worksheet (mod/assign/feedback/offline).
            "Full name": "name", "Identifier": "participant",
            "Last modified (grade)": "moodle_modified"}


def _exported(rows: list[dict]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.get("Student") or "").strip()
        if name.startswith("Points Possible") or name == "Test Student":
            continue  # Canvas's points row and its student view
        student: dict[str, str] = {}
        for column, key in EXPORTED.items():
            if value := (row.get(column) or "").strip():
                student.setdefault(key, value)
        if not student.get("name") and (row.get("First name") or row.get("Last name")):
            student["name"] = f"{row.get('First name', '')} {row.get('Last name', '')}".strip()
        if participant := student.get("participant"):
            student["participant"] = participant.removeprefix(moodle.PARTICIPANT).strip()
        names = [student.get(key, "") for key in ("sis_login_id", "username", "sis_user_id",
                                                  "idnumber", "canvas_id", "email")]
        names.append(student.get("email", "").partition("@")[0])
        for known in dict.fromkeys(n for n in names if n):
            found.setdefault(known, student)
    return found


def roster_students(roster: Mapping[str, dict[str, str]]) -> list[tuple[str, dict[str, str]]]:
    """Each student of a roster once, under the first name it is found by."""
    seen, students = set(), []
    for key, student in roster.items():
        if id(student) not in seen:
            seen.add(id(student))
            students.append((key, student))
    return students


def assignment_names(course: Course) -> list[str]:
    """One gradebook column per stage: "Stage 1: Maximum likelihood for a coin"."""
    return [f"Stage {stage.number}: {stage.title}" for stage in course.stages]


class Gradebook:
    """What both gradebooks hold: a column per stage, or, for an assignment, one column
    (its title) holding the total after lateness, out of its points with the written ones;
    and a row per submission, then (for an assignment) a 0 for each student of the roster
    who handed in nothing."""

    def __init__(self, report: GradeReport, course: Course,
                 roster: Mapping[str, dict[str, str]] | None = None,
                 standings: Mapping[str, Standing] | None = None, title: str = "") -> None:
        self.roster = roster or {}
        self.term = bool(standings) and bool(title)
        if self.term:
            first = next(iter(standings.values()))
            self.columns, self.points = [title], [first.max_score]
        else:
            self.columns = assignment_names(course)
            self.points = [stage.points for stage in course.stages]
        self.rows: list[tuple[str, dict[str, str], list[str], str]] = []
        for submission in report.submissions:
            standing = (standings or {}).get(submission.id)
            if self.term and standing is not None:
                scores = [_number(standing.total)]
                comment = render.gradebook_comment(standing)
            else:
                scores = [_number(stage.score) for stage in submission.stages]
                comment = ""
            self.rows.append((submission.id, self.roster.get(submission.id, {}), scores,
                              comment))
        if self.term:
            graded = {id(self.roster.get(s.id)) for s in report.submissions}
            for key, student in roster_students(self.roster):
                if id(student) not in graded:
                    self.rows.append((key, student, ["0"], "Nothing was handed in."))


def canvas_csv(report: GradeReport, course: Course,
               roster: dict[str, dict[str, str]] | None = None,
               standings: Mapping[str, Standing] | None = None, title: str = "") -> str:
    """Canvas's gradebook import: the student columns, a "Points Possible" row, a row per
    submission. Without a roster entry the submission id is the SIS Login ID (and name).
    Canvas takes no comments from a CSV: they are in feedback/ and moodle.csv."""
    book = Gradebook(report, course, roster, standings, title)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CANVAS_STUDENT, *book.columns])
    writer.writerow(["    Points Possible", "", "", "", "", *book.points])
    for sid, known, scores, _ in book.rows:
        student = {"Student": sid, "SIS Login ID": sid} if not known else {}
        student |= {ROSTER[key]: value for key, value in known.items() if value}
        writer.writerow([*(student.get(column, "") for column in CANVAS_STUDENT), *scores])
    return out.getvalue()


def moodle_csv(report: GradeReport, course: Course,
               roster: dict[str, dict[str, str]] | None = None,
               standings: Mapping[str, Standing] | None = None, title: str = "") -> str:
    """Moodle's grade import from CSV: the user's username, ID number and email address,
    then a column per stage. Without a roster entry the submission id is the username. For
    an assignment, its one column is followed by "Feedback", which Moodle's import maps to
    the grade item's feedback."""
    book = Gradebook(report, course, roster, standings, title)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*MOODLE_USER, *book.columns, *(["Feedback"] if book.term else [])])
    for sid, known, scores, comment in book.rows:
        user = {"Username": sid} | {ROSTER[key]: value for key, value in known.items()
                                    if value and ROSTER[key] in MOODLE_USER}
        writer.writerow([*(user.get(column, "") for column in MOODLE_USER), *scores,
                         *([comment] if book.term else [])])
    return out.getvalue()


def write_gradebooks(out: Path, report: GradeReport, course: Course,
                     roster: dict[str, dict[str, str]] | None = None,
                     standings: Mapping[str, Standing] | None = None, title: str = "") -> None:
    """canvas.csv and moodle.csv beside grades.csv; with a roster that is Moodle's grading
    worksheet, the worksheet filled in and the zip of feedback files (`mapcourse.grading.moodle`).
    """
    write_atomic(out / CANVAS_FILE, canvas_csv(report, course, roster, standings, title))
    write_atomic(out / MOODLE_FILE, moodle_csv(report, course, roster, standings, title))
    book = Gradebook(report, course, roster, standings, title)
    if moodle.has_participants(book.roster):
        write_atomic(out / moodle.WORKSHEET_FILE, moodle.worksheet(book.rows, sum(book.points)))
        feedback = {sid: path.read_text(encoding="utf-8") for sid, *_ in book.rows
                    if (path := out / "feedback" / f"{sid}.md").is_file()}
        write_atomic(out / moodle.FEEDBACK_ZIP, moodle.feedback_zip(book.rows, feedback))


def _number(value: float) -> str:
    return f"{value:g}"
