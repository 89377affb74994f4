"""The markdown that introduces a stage's notebook: the textbook page's own text.

The body of the stage's textbook page (`docs/<page>` from course.toml) without its
snippet lines (the generated header and hints); links to other pages point at the
published textbook when mkdocs.yml names a `site_url`, and name the page otherwise.
Without a page, the solution's docstring and the list of functions stand in.
"""

from __future__ import annotations

import re

from mapcourse.manifest import Course, Stage
from mapcourse.nbgrader.solution import SplitSolution
from mapcourse.release import site_url

SNIPPET = re.compile(r"^--8<--.*$\n?", re.MULTILINE)
PAGE_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./)*([\w./-]+?)\.md(#[\w-]+)?\)")


def introduction(course: Course, stage: Stage, solution: SplitSolution) -> str:
    """Title, what the stage teaches, and how the notebook is graded."""
    page = course.root / "docs" / stage.page
    body = _page_body(page.read_text(), site_url(course)) if page.is_file() \
        else _from_docstring(stage, solution)
    derivation = (f" The derivation at the end is worth {stage.derivation_points} more "
                  "points, graded by hand." if stage.derivation else "")
    return "\n\n".join([
        f"# Stage {stage.number}: {stage.title}",
        body,
        "## In this notebook",
        f"Write the functions in the answer cell below, or paste your whole `{stage.filename}` "
        f"into it. Hidden tests worth {stage.points} points check them when your notebook is "
        f"graded: the same tests and points as `mapcourse grade`.{derivation}",
    ])


def _page_body(text: str, site_url: str | None) -> str:
    def link(match: re.Match) -> str:
        if site_url is None:
            return f"*{match.group(1)}* (in the textbook)"
        return f"[{match.group(1)}]({site_url.rstrip('/')}/{match.group(2)}/{match.group(3) or ''})"

    return PAGE_LINK.sub(link, SNIPPET.sub("", text)).strip()


def _from_docstring(stage: Stage, solution: SplitSolution) -> str:
    paragraphs = solution.docstring.split("\n\n")
    if paragraphs and paragraphs[0].lower().startswith(f"stage {stage.number}:"):
        paragraphs = paragraphs[1:]
    functions = "\n".join(f"- `{exercise.name}({exercise.signature})`: "
                          f"{markdown_text(exercise.summary)}"
                          for exercise in solution.exercises)
    return "\n\n".join([*(markdown_text(paragraph) for paragraph in paragraphs),
                        "## What you implement", functions])


def markdown_text(text: str) -> str:
    """Plain text (formulas such as theta**heads) safe in Markdown: `code` kept, * and _ escaped."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(part if part.startswith("`") else re.sub(r"([\\*_])", r"\\\1", part)
                   for part in parts)
