"""`report.html`: one self-contained page (inline CSS and SVG, no script, nothing fetched)
that shows a graded class to its instructor."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from mapcourse.grading.results import GradeReport
from mapcourse.manifest import Course
from mapcourse.report import plots
from mapcourse.report.similarity import Similarity
from mapcourse.report.summary import summarise

REPORT_FILE = "report.html"
TEMPLATE = Path(__file__).with_name("report.html.j2")


class ReportUnavailable(Exception):
    """What the report needs is not installed; the message says what to install."""


def render(report: GradeReport, course: Course, similarity: Similarity) -> str:
    """The page's HTML for the graded class `report`."""
    try:
        import jinja2
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ReportUnavailable(f"report.html needs {error.name}: pip install "
                                "'mapcourse[instructor]'") from None
    summary = summarise(report, course)
    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["number"] = lambda value: f"{value:g}"
    environment.filters["percent"] = lambda value: f"{100 * value:.0f}%"
    environment.filters["url"] = lambda value: quote(str(value))
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        summary=summary, course=course, similarity=similarity,
        totals_svg=plots.total_distribution(summary),
        stages_svg=plots.stage_distributions(summary),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
