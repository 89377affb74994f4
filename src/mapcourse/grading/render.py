"""Grading results as text: the contract's JSON, the instructor's table, the student's
feedback, Gradescope's results.json and the class CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from mapcourse.grading import printed
from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult
from mapcourse.manifest import Course, Stage

STAGE_LABEL = {"missing": "missing", "import-error": "import error"}


def to_json(report: GradeReport) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"


def to_csv(report: GradeReport, course: Course) -> str:
    """id, one column per stage, total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *(stage.id for stage in course.stages), "total"])
    for submission in report.submissions:
        writer.writerow([submission.id, *(_number(stage.score) for stage in submission.stages),
                         _number(submission.score)])
    return out.getvalue()


def table(report: GradeReport, course: Course, console: Console) -> None:
    """Print the class as a table: a row per submission, a column per stage.

    The stage columns are headed by the stages' titles when the console is wide enough for
    them without breaking a word; otherwise by their numbers, with a legend under the table.
    """
    titled = _table(report, course, lambda stage: f"{stage.number}. {stage.title}")
    if _header_fits(titled, console.width):
        console.print(titled)
        return
    console.print(_table(report, course, lambda stage: str(stage.number)))
    legend = Table.grid(padding=(0, 1))
    legend.add_column(justify="right", style="bold")
    legend.add_column()
    for stage in course.stages:
        legend.add_row(str(stage.number), stage.title)
    console.print(legend)


def _header_fits(grid: Table, width: int) -> bool:
    """Whether `grid`, drawn `width` columns wide, shows its headers without cutting a word."""
    trial = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    with trial.capture() as captured:
        trial.print(grid)
    header = captured.get().split("┡", 1)[0]
    return "…" not in header


def _table(report: GradeReport, course: Course, header: Callable[[Stage], str]) -> Table:
    grid = Table(title=f"{course.title}: {len(report.submissions)} submission(s)",
                 caption=f"sandbox: {report.sandbox}")
    grid.add_column("submission", style="bold", no_wrap=True)
    for stage in course.stages:
        grid.add_column(header(stage), justify="right")
    grid.add_column(f"total /{course.max_score}", justify="right", style="bold")
    for submission in report.submissions:
        grid.add_row(submission.id, *(_cell(stage) for stage in submission.stages),
                     _number(submission.score))
    return grid


def _cell(stage: StageResult) -> str:
    if stage.status != "graded":
        return f"[red]{STAGE_LABEL[stage.status]}[/red]"
    colour = "green" if stage.score == stage.max_score else "yellow" if stage.score else "red"
    return f"[{colour}]{_number(stage.score)}[/{colour}]"


def _number(value: float) -> str:
    return f"{value:g}"


def feedback(submission: SubmissionResult, course: Course, isolation: str = "") -> str:
    """Markdown for the student: per stage, what passed, what failed and why, and what
    the stage printed; `isolation` names how the code was run (`Isolation.description`)."""
    lines = [f"# Feedback for {submission.id}", "",
             f"**Total: {_number(submission.score)} / {submission.max_score}**", ""]
    if isolation:
        lines += [f"Your code was {isolation}.", ""]
    for stage, result in zip(course.stages, submission.stages, strict=True):
        lines += [f"## Stage {stage.number}: {stage.title} — "
                  f"{_number(result.score)} / {result.max_score}", ""]
        if result.note:
            lines += [f"> {result.note}", ""]
        if result.status == "missing":
            lines += [_missing(result), ""]
            continue
        if result.status == "import-error":
            lines += [f"`{stage.filename}` could not be imported: {result.message}", "",
                      "Fix this first: no test of the stage can run until the file imports.",
                      "", *printed.as_markdown(result)]
            continue
        for test in result.tests:
            mark = "✓" if test.status == "passed" else "✗"
            lines.append(f"- {mark} {test.name} ({_number(test.score)}/"
                         f"{_number(test.max_score)})")
            if test.status != "passed":
                lines.append(f"  - {test.status}: {test.message}")
        lines += ["", *printed.as_markdown(result)]
    return "\n".join(lines)


def _missing(stage: StageResult) -> str:
    """The missing stage's message, or the file it expected when the message is only "missing"."""
    if stage.message and stage.message != stage.status:
        return stage.message
    return f"`{stage.stage}.py` is missing from the submission."


def gradescope(submission: SubmissionResult, *, sandbox: str) -> str:
    """Gradescope's results.json: a test per group, plus a "stage file" test per stage not
    graded or with a note (worth 0 points: the note says which file was graded)."""
    tests = []
    for stage in submission.stages:
        if stage.status != "graded":
            detail = _missing(stage) if stage.status == "missing" else stage.message
            tests.append({"name": f"{stage.stage}: stage file", "score": 0.0,
                          "max_score": float(stage.max_score),
                          "output": f"{STAGE_LABEL[stage.status]}: {detail}"
                                    + (f"\n\n{stage.note}" if stage.note else ""),
                          "visibility": "visible"})
        elif stage.note:
            tests.append({"name": f"{stage.stage}: stage file", "score": 0.0,
                          "max_score": 0.0, "output": stage.note, "visibility": "visible"})
        for test in stage.tests:
            tests.append({"name": f"{stage.stage}: {test.name}", "score": test.score,
                          "max_score": test.max_score,
                          "output": test.message if test.status != "passed" else "passed",
                          "visibility": "visible"})
    output = [f"Your code was {sandbox}."]
    output += [f"{stage.stage}: {printed.as_text(stage)}" for stage in submission.stages
               if stage.output_bytes]
    return json.dumps({"score": submission.score, "output": "\n\n".join(output),
                       "output_format": "text", "visibility": "visible",
                       "stdout_visibility": "hidden", "tests": tests}, indent=2) + "\n"
