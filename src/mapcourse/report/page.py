"""`report.html`: one self-contained page (inline CSS and SVG, no script, nothing fetched)
that shows a graded class to its instructor, and beside it one small page per pair of
files shown side by side (`pairs/`), so that no page holds every pair of a large class."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from mapcourse.grading.results import GradeReport
from mapcourse.manifest import Course
from mapcourse.report import history, plots, unavailable
from mapcourse.report.similarity import CONTEXT, REFERENCE, SHOWN, Pair, Similarity
from mapcourse.report.summary import summarise

REPORT_FILE = "report.html"
PAIRS_DIR = "pairs"  # the side-by-side pages, beside report.html
CLUSTERS_SHOWN = 20  # clusters shown with the code they share; the rest are named
TEMPLATES = Path(__file__).parent


class ReportUnavailable(Exception):
    """What the report needs is not installed; the message says what to install."""


def term_facts(course: Course, assignment: str | None, standings: dict) -> dict | None:
    """The assignment in one line, how many came in on time, late, not accepted or with no
    time, and a row for each submission that is not simply on time (a class of 300 lists
    only its exceptions); written parts not marked yet are counted, not listed."""
    if not standings:
        return None
    from mapcourse.term.policy import when

    counts: dict[str, int] = {}
    rows = []
    for sid, standing in sorted(standings.items()):
        late = standing.lateness
        status = late.status or "graded"
        counts[status] = counts.get(status, 0) + 1
        if status != "on time" or late.extended:
            rows.append({"id": sid, "status": status, "days": late.days,
                         "extended": late.extended, "raw": standing.raw,
                         "total": standing.total, "max": standing.max_score,
                         "unmarked": len(standing.unmarked)})
    first = next(iter(standings.values()))
    described, title = "", "Written parts"
    if assignment:
        chosen = course.assignment(assignment)
        stages = ", ".join(str(course.stage(stage).number) for stage in chosen.stages)
        described = f"Stages {stages}, due {when(chosen.due)}; {chosen.late.describe()}."
        title = chosen.title
    return {"title": title, "assignment": described, "counts": counts, "rows": rows,
            "max": first.max_score,
            "extended": sum(1 for s in standings.values() if s.lateness.extended),
            "unmarked": sum(1 for s in standings.values() if s.unmarked)}


def across_runs(report: GradeReport, course: Course,
                earlier: list[history.EarlierRun]) -> list[dict]:
    """A row for each test group failed by someone in this run or in an earlier one: its
    (passed, ran) in this run and in each earlier run (None where it did not run), the
    least often passed now first. Groups passed by everyone in every run are left out."""
    if not earlier:
        return []
    now = history.group_counts(report)
    keys = list(dict.fromkeys([*now, *(key for run in earlier for key in run.groups)]))
    numbers = {stage.id: stage.number for stage in course.stages}
    rows = []
    for key in keys:
        counts = [now.get(key), *(run.groups.get(key) for run in earlier)]
        if not any(seen and seen[0] for seen in counts):
            continue
        passed = [None if seen is None else (seen[1] - seen[0], seen[1]) for seen in counts]
        rows.append({"stage": numbers.get(key[0], key[0]), "name": key[1], "runs": passed})
    rows.sort(key=lambda row: (_passed_share(row["runs"][0]), str(row["stage"])))
    return rows


def _passed_share(counts: tuple[int, int] | None) -> float:
    return counts[0] / counts[1] if counts and counts[1] else 2.0


def render(report: GradeReport, course: Course, similarity: Similarity,
           term: dict | None = None, previous: str | None = None,
           earlier: list[history.EarlierRun] | None = None) -> str:
    """The page's HTML for the graded class `report` (`term`: `term_facts`; `previous`:
    the link to the report of the run this one follows; `earlier`: the runs before it,
    whose pass rates the page shows beside this run's)."""
    summary = summarise(report, course)
    return _environment().get_template("report.html.j2").render(
        summary=summary, course=course, similarity=similarity, shown=SHOWN, term=term,
        previous=previous, earlier=earlier or [],
        across=across_runs(report, course, earlier or []),
        clusters_shown=CLUSTERS_SHOWN,
        totals_svg=plots.total_distribution(summary),
        stages_svg=plots.stage_distributions(summary),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def pair_pages(similarity: Similarity) -> dict[str, str]:
    """Each page of a pair shown side by side, by its path relative to report.html: the
    pairs the report lists. A match of the reference gets none: its page would print the
    reference solution, which no output of the grader shows."""
    template = _environment().get_template("pair.html.j2")
    return {page_path(pair): template.render(pair=pair, context=CONTEXT,
                                             root="../" * page_path(pair).count("/"))
            for pair in similarity.pairs if pair.shown}


def page_path(pair: Pair) -> str:
    """pairs/<first>--<second>.html, or pairs/reference/<student>.html."""
    if pair.second == REFERENCE:
        return f"{PAIRS_DIR}/reference/{pair.first}.html"
    return f"{PAIRS_DIR}/{pair.first}--{pair.second}.html"


def _environment():
    if why := unavailable():
        raise ReportUnavailable(why)
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["number"] = lambda value: f"{value:g}"
    environment.filters["percent"] = lambda value: f"{100 * value:.0f}%"
    environment.filters["url"] = lambda value: quote(str(value))
    environment.filters["href"] = lambda pair: quote(page_path(pair))
    return environment
