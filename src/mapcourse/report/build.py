"""The class's files that come after grading: class.json, the gradebooks and report.html.

`mapcourse grade --out DIR` calls `write_all` once the class is graded; `mapcourse report
DIR` calls `rewrite` on what DIR holds, with another threshold or a roster.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from mapcourse.grading import export
from mapcourse.grading.results import GradeReport
from mapcourse.manifest import Course
from mapcourse.report import history, page, saved, unavailable
from mapcourse.report.similarity import THRESHOLD, find_similar


def write_all(out: Path, report: GradeReport, course: Course, folders: dict[str, Path], *,
              threshold: float = THRESHOLD, roster: dict | None = None,
              assignment: str | None = None, standings: dict | None = None,
              previous: Path | None = None) -> list[str]:
    """Save the run (class.json), then write the gradebooks and the report. Returns notes
    for the instructor (students not in the roster, submissions not compared); raises
    page.ReportUnavailable, with the command that installs it, when the report cannot be
    drawn here (`mapcourse.report.unavailable()` says so before grading).
    `assignment` and `standings` (`mapcourse.term.standing`) are the run's term, if any;
    `previous` the run this one was graded beside or again from, linked from the page."""
    export.write_atomic(out / saved.CLASS_FILE, saved.to_json(
        report, folders, assignment=assignment, standings=standings))
    return rewrite(out, saved.SavedClass(report, folders, assignment, dict(standings or {})),
                   course, threshold=threshold, roster=roster, previous=previous)


def rewrite(out: Path, graded: saved.SavedClass, course: Course, *,
            threshold: float = THRESHOLD, roster: dict | None = None,
            previous: Path | None = None) -> list[str]:
    """canvas.csv, moodle.csv, report.html and its side-by-side pages (pairs/) for a class
    already graded into `out`. Returns notes for the instructor: what could not be
    compared, and why. Raises page.ReportUnavailable once the gradebooks are written, when
    what the report needs is not installed."""
    notes = []
    report = graded.report
    title = ""
    if graded.assignment and graded.standings:
        title = course.assignment(graded.assignment).title
    export.write_gradebooks(out, report, course, roster, graded.standings, title)
    if roster is not None and (absent := [s.id for s in report.submissions if s.id not in roster]):
        notes.append(f"not in the roster (their folder name stands for them in the "
                     f"gradebooks): {', '.join(absent)}")
    if why := unavailable():
        raise page.ReportUnavailable(why)
    similarity = find_similar(graded.folders, course, threshold)
    if similarity.nothing_compared:
        notes.append(f"similarity: nothing compared: {similarity.nothing_compared}")
    elif similarity.missing:
        notes.append(f"similarity: not compared: {similarity.gone}")
    if previous is None and (out / "run.json").is_file():
        from mapcourse.term import runs

        with contextlib.suppress(runs.RunError):
            earlier = runs.load(out).previous
            previous = Path(earlier) if earlier else None
    link, earlier = None, []
    if previous is not None:
        link = os.path.relpath(Path(previous).resolve() / page.REPORT_FILE, out.resolve())
        earlier = history.earlier_runs(out, Path(previous))
    html = page.render(report, course, similarity,
                       page.term_facts(course, graded.assignment, graded.standings), link,
                       earlier)
    pages = page.pair_pages(similarity)
    _write_pair_pages(out, pages)
    export.write_atomic(out / page.REPORT_FILE, html)
    return notes


def _write_pair_pages(out: Path, pages: dict[str, str]) -> None:
    """Write the side-by-side pages and remove those an earlier report left."""
    folder = out / page.PAIRS_DIR
    for stale in folder.rglob("*.html") if folder.is_dir() else ():
        if stale.relative_to(out).as_posix() not in pages:
            stale.unlink()
    for path, html in pages.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        export.write_atomic(out / path, html)
