"""Grading results as text: the contract's JSON, the instructor's table, the student's
feedback, Gradescope's results.json and the class CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from mapcourse.grading import printed
from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult
from mapcourse.manifest import Course, Stage

if TYPE_CHECKING:
    from mapcourse.term.standing import Standing

STAGE_LABEL = {"missing": "missing", "import-error": "import error"}


def to_json(report: GradeReport) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"


def to_csv(report: GradeReport, course: Course,
           standings: Mapping[str, Standing] | None = None) -> str:
    """id, one column per stage, total. With standings (an assignment, written points):
    also each written part, the autograded and raw scores, when the work came in, how late,
    the penalty, and the total after it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not standings:
        writer.writerow(["id", *(stage.id for stage in course.stages), "total"])
        for submission in report.submissions:
            writer.writerow([submission.id,
                             *(_number(stage.score) for stage in submission.stages),
                             _number(submission.score)])
        return out.getvalue()
    written = [stage.id for stage in course.stages if stage.derivation_points]
    first = next(iter(standings.values()))
    written = written if first.written else []
    writer.writerow(["id", *(stage.id for stage in course.stages),
                     *(f"{stage} written" for stage in written), "autograded", "written",
                     "raw", "max", "submitted", "time source", "due", "days late", "penalty",
                     "status", "total"])
    for submission in report.submissions:
        standing = standings[submission.id]
        late = standing.lateness
        parts = {part.stage: part for part in standing.written}
        writer.writerow([
            submission.id, *(_number(stage.score) for stage in submission.stages),
            *("" if parts[stage].points is None else _number(parts[stage].points)
              for stage in written),
            _number(standing.autograded), _number(standing.written_score),
            _number(standing.raw), standing.max_score,
            late.submitted.isoformat() if late.submitted else "", late.source,
            late.due.isoformat() if late.due else "", late.days, _number(late.fraction),
            late.status, _number(standing.total)])
    return out.getvalue()


def table(report: GradeReport, course: Course, console: Console,
          standings: Mapping[str, Standing] | None = None, title: str = "") -> None:
    """Print the class as a table: a row per submission, a column per stage.

    The stage columns are headed by the stages' titles when the console is wide enough for
    them without breaking a word; otherwise by their numbers, with a legend under the table.
    With standings, the written points, the lateness and the total after it follow.
    """
    titled = _table(report, course, lambda stage: f"{stage.number}. {stage.title}", standings,
                    title)
    if _header_fits(titled, console.width):
        console.print(titled)
        return
    console.print(_table(report, course, lambda stage: str(stage.number), standings, title))
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
    header = captured.get().split("┡", 1)[0]  # the title, the top border, the headers
    return "…" not in header and header.count("\n") <= 2 + 3


def _table(report: GradeReport, course: Course, header: Callable[[Stage], str],
           standings: Mapping[str, Standing] | None = None, title: str = "") -> Table:
    grid = Table(title=f"{title or course.title}: {len(report.submissions)} submission(s)",
                 caption=f"sandbox: {report.sandbox}")
    grid.add_column("submission", style="bold", no_wrap=True)
    for stage in course.stages:
        grid.add_column(header(stage), justify="right")
    if not standings:
        grid.add_column(f"total /{course.max_score}", justify="right", style="bold")
        for submission in report.submissions:
            grid.add_row(submission.id, *(_cell(stage) for stage in submission.stages),
                         _number(submission.score))
        return grid
    from mapcourse.term.standing import score_cell

    first = next(iter(standings.values()))
    if first.written:
        grid.add_column("written", justify="right", no_wrap=True)
    grid.add_column("late", justify="right", no_wrap=True)
    grid.add_column(f"total /{first.max_score}", justify="right", style="bold", no_wrap=True)
    if any(standing.unmarked for standing in standings.values()):
        grid.caption = f"* a written part not marked yet counts 0; {grid.caption}"
    for submission in report.submissions:
        standing = standings[submission.id]
        late = standing.lateness
        written = ([f"{_number(standing.written_score)}"
                    + ("[yellow]*[/yellow]" if standing.unmarked else "")]
                   if first.written else [])
        late_cell = (f"[red]{late.days}d, refused[/red]" if not late.accepted else
                     f"[yellow]{late.days}d[/yellow]" if late.days else
                     "[yellow]no time[/yellow]" if late.status == "no time" else "")
        grid.add_row(submission.id, *(_cell(stage) for stage in submission.stages), *written,
                     late_cell, score_cell(standing))
    return grid


def _cell(stage: StageResult) -> str:
    if stage.status != "graded":
        return f"[red]{STAGE_LABEL[stage.status]}[/red]"
    colour = "green" if stage.score == stage.max_score else "yellow" if stage.score else "red"
    return f"[{colour}]{_number(stage.score)}[/{colour}]"


def _number(value: float) -> str:
    return f"{value:g}"


def feedback(submission: SubmissionResult, course: Course, isolation: str = "",
             standing: Standing | None = None, heading: str = "") -> str:
    """Markdown for the student: per stage, what passed, what failed and why, and what
    the stage printed; `isolation` names how the code was run (`Isolation.description`).
    With a standing: the written parts (points and the marker's comment), when the work
    came in and what lateness took."""
    lines = [f"# Feedback for {submission.id}" + (f": {heading}" if heading else ""), ""]
    if standing is None:
        lines += [f"**Total: {_number(submission.score)} / {submission.max_score}**", ""]
    else:
        lines += [f"**Total: {_number(standing.total)} / {standing.max_score}**", ""]
        lines += [f"- Autograded: {_number(standing.autograded)} / {standing.autograded_max}"]
        for part in standing.written:
            marked = ("not marked yet" if part.points is None else
                      f"{_number(part.points)} / {part.max_points}")
            lines.append(f"- Written part of stage {course.stage(part.stage).number}: {marked}"
                         + (f". {part.comment}" if part.comment else ""))
        if late := standing.late_words():
            lines.append(f"- {late}")
        lines.append("")
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


def gradescope(submission: SubmissionResult, *, sandbox: str,
               standing: Standing | None = None) -> str:
    """Gradescope's results.json: a test per group, plus a "stage file" test per stage not
    graded or with a note (worth 0 points: the note says which file was graded). With a
    standing, the score is its total and a test per written part and for lateness says
    where the points went."""
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
    score = submission.score
    if standing is not None:
        score = standing.total
        for part in standing.written:
            tests.append({"name": f"{part.stage}: written part", "score": part.score,
                          "max_score": float(part.max_points),
                          "output": part.comment or ("not marked yet" if part.points is None
                                                     else "marked"),
                          "visibility": "visible"})
        if late := standing.late_words():
            output.insert(0, late)
    return json.dumps({"score": score, "output": "\n\n".join(output),
                       "output_format": "text", "visibility": "visible",
                       "stdout_visibility": "hidden", "tests": tests}, indent=2) + "\n"


def gradebook_comment(standing: Standing) -> str:
    """The line a gradebook's feedback column shows: the points and where they went."""
    parts = [f"Autograded {_number(standing.autograded)}/{standing.autograded_max}"]
    for part in standing.written:
        parts.append(f"written part of {part.stage.split('_')[0].replace('stage', 'stage ')}: " +
                     ("not marked yet" if part.points is None else
                      f"{_number(part.points)}/{part.max_points}"))
    text = ", ".join(parts) + "."
    if late := standing.late_words():
        text += " " + late
    return text
