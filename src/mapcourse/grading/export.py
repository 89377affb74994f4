"""Writing a grading run's files for instructors, each one atomically.

`--out DIR` gets grades.csv, results/<id>.json (Gradescope's format) and
feedback/<id>.md. Every file is written to a temporary name and renamed, so an
interrupted run leaves whole files or none, and a second run writes the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mapcourse.grading import render
from mapcourse.grading.results import GradeReport, SubmissionResult
from mapcourse.manifest import Course


def write_atomic(path: Path, text: str) -> None:
    """Write text to path through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_submission(out: Path, submission: SubmissionResult, course: Course,
                     sandbox: str) -> None:
    """The files of one submission, as soon as it is graded."""
    write_atomic(out / "results" / f"{submission.id}.json",
                 render.gradescope(submission, sandbox=sandbox))
    write_atomic(out / "feedback" / f"{submission.id}.md",
                 render.feedback(submission, course, isolation=sandbox))


def write_report(out: Path, report: GradeReport, course: Course) -> None:
    """The class's files: every submission's, then grades.csv."""
    for submission in report.submissions:
        write_submission(out, submission, course, report.sandbox)
    write_atomic(out / "grades.csv", render.to_csv(report, course))
