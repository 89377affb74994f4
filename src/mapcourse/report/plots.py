"""The report's figures, drawn with matplotlib as SVG text to put inline in the page.

Text stays text (`svg.fonttype = none`), ids are salted by figure so that several SVGs
share one page without clashing, and no date is written, so the same results draw the
same bytes.
"""

from __future__ import annotations

import html
import io
import re

from mapcourse.report.summary import ClassSummary

INK, GREY = "#1f4e79", "#8a8a8a"
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def _svg(figure, name: str, label: str) -> str:
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)
    text = _SIZE.sub(lambda match: f'<svg{match[1]} width="100%" role="img" '
                                   f'aria-label="{html.escape(label)}"', text, count=1)
    return text.replace('id="', f'id="{name}-').replace("url(#", f"url(#{name}-") \
               .replace('xlink:href="#', f'xlink:href="#{name}-')


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def total_distribution(summary: ClassSummary) -> str:
    """A histogram of the totals, in bins of a tenth of the maximum."""
    figure = _figure(4.8, 2.4)
    axes = figure.subplots()
    step = max(1, summary.max_score // 10)
    edges = list(range(0, summary.max_score + step, step))
    axes.hist(summary.totals, bins=edges, color=INK, edgecolor="white")
    axes.set_xlim(0, summary.max_score)
    axes.set_xticks(edges)
    axes.set_xlabel(f"total score (out of {summary.max_score})")
    axes.set_ylabel("submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    label = (f"Histogram of the {len(summary.totals)} totals out of {summary.max_score}; "
             f"median {summary.median_total:g}")
    return _svg(figure, "totals", label)


def stage_distributions(summary: ClassSummary) -> list[str]:
    """One bar chart per stage: how many submissions got each score; a stage not graded
    (missing, or its file did not import) is drawn grey at 0."""
    counts = {stage.stage.id: [sum(1 for score in stage.scores if round(score) == value)
                               for value in range(stage.stage.points + 1)]
              for stage in summary.stages}
    tallest = max((max(each) for each in counts.values()), default=1)
    charts = []
    for stage in summary.stages:
        figure = _figure(3.4, 2.1)
        axes = figure.subplots()
        points = stage.stage.points
        not_graded = len(stage.scores) - stage.graded
        graded_zero = counts[stage.stage.id][0] - not_graded
        axes.bar(range(points + 1), [graded_zero, *counts[stage.stage.id][1:]], color=INK,
                 width=0.8)
        axes.bar([0], [not_graded], bottom=[graded_zero], color=GREY, width=0.8)
        axes.set_title(f"{stage.stage.number}. {stage.stage.title}", fontsize=9, loc="left")
        axes.set_xticks(range(0, points + 1, max(1, points // 5)))
        axes.set_ylim(0, tallest * 1.05)
        axes.set_xlabel("score", fontsize=8)
        axes.set_ylabel("submissions", fontsize=8)
        axes.tick_params(labelsize=8)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
        label = (f"Stage {stage.stage.number}: mean {stage.mean:.1f} of {points}, "
                 f"{stage.full_marks} of {len(stage.scores)} with full marks, "
                 f"{not_graded} not graded")
        charts.append(_svg(figure, f"stage{stage.stage.number}", label))
    return charts
