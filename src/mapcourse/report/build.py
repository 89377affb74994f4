"""The class's files that come after grading: class.json, the gradebooks and report.html.

`mapcourse grade --out DIR` calls `write_all` once the class is graded; `mapcourse report
DIR` calls `rewrite` on what DIR holds, with another threshold or a roster.
"""

from __future__ import annotations

from pathlib import Path

from mapcourse.grading import export
from mapcourse.grading.results import GradeReport
from mapcourse.manifest import Course
from mapcourse.report import page, saved
from mapcourse.report.similarity import THRESHOLD, find_similar


def write_all(out: Path, report: GradeReport, course: Course, folders: dict[str, Path], *,
              threshold: float = THRESHOLD, roster: dict | None = None,
              assignment: str | None = None, standings: dict | None = None) -> list[str]:
    """Save the run (class.json), then write the gradebooks and the report. Returns notes
    for the instructor (a report that could not be drawn, students not in the roster).
    `assignment` and `standings` (`mapcourse.term.standing`) are the run's term, if any."""
    export.write_atomic(out / saved.CLASS_FILE, saved.to_json(
        report, folders, assignment=assignment, standings=standings))
    return rewrite(out, saved.SavedClass(report, folders, assignment, dict(standings or {})),
                   course, threshold=threshold, roster=roster)


def rewrite(out: Path, graded: saved.SavedClass, course: Course, *,
            threshold: float = THRESHOLD, roster: dict | None = None) -> list[str]:
    """canvas.csv, moodle.csv and report.html for a class already graded into `out`."""
    notes = []
    report = graded.report
    export.write_gradebooks(out, report, course, roster)
    if roster is not None and (absent := [s.id for s in report.submissions if s.id not in roster]):
        notes.append(f"not in the roster (their folder name stands for them in the "
                     f"gradebooks): {', '.join(absent)}")
    similarity = find_similar(graded.folders, course, threshold)
    try:
        html = page.render(report, course, similarity)
    except page.ReportUnavailable as error:
        return [*notes, str(error)]
    export.write_atomic(out / page.REPORT_FILE, html)
    return notes
