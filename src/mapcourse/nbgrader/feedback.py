"""The pages nbgrader renders from the course: feedback and Formgrader's submissions.

nbgrader's own templates load MathJax from a CDN (their `mathjax()` call ignores the
exporters' `mathjax_url`), so offline the derivations stay raw LaTeX; and its feedback
names every test in the contents "Test cell" and lets a failure message run off the
page on one line. The course's templates (`templates/`, put first in the exporters'
`extra_template_basedirs` by nbgrader_config.py) change just that:

- `templates/formgrade/mathjax.html.j2`: Formgrader typesets with the course's copy of
  MathJax, `mathjax/tex-svg.js` in the course folder (`mapcourse nbgrader` puts it
  there), served by the Jupyter server started in that folder;
- `FeedbackExporter` renders `templates/feedback/mapcourse_feedback.html.j2`: nbgrader's
  feedback page with each entry of the contents named after its test, wrapping
  failure messages, and the course's MathJax (relative to the page, else the CDN).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from traitlets import default

TEMPLATES = Path(__file__).with_name("templates")
MATHJAX = Path("mathjax", "tex-svg.js")  # in the course folder
MATHJAX_PACKAGE = Path("node_modules", "mathjax", "es5", "tex-svg.js")  # npm's mathjax@3
HIDDEN_TESTS = re.compile(r"^#\s*Hidden tests:\s*(.*?)\s*(?:\(\d+(?:\.\d+)? points?\)\.?)?$")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.MULTILINE)


def template_basedirs() -> list[str]:
    """The course's templates, then nbgrader's (feedback/, formgrade/)."""
    import nbgrader

    return [str(TEMPLATES),
            str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
                / "templates")]


def entry_title(cell: dict) -> str:
    """What a graded cell is called in the feedback's contents.

    A test cell: its group, from its first line (`# Hidden tests: mle is ... (1 point).`);
    a markdown cell: its first heading; a code cell: its first comment; otherwise the
    grade id without its stage (`stage3-derivation` -> "Derivation").
    """
    source = cell.get("source", "")
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    comment = []  # the leading comment, its lines joined (a long title wraps)
    for line in source.splitlines():
        if not line.startswith("#") or (comment and "Hidden tests:" in line):
            break
        comment.append(line.lstrip("#").strip())
        if line.rstrip().endswith("."):
            break
    if match := HIDDEN_TESTS.match("# " + " ".join(comment)):
        return match.group(1)
    if cell.get("cell_type") == "markdown" and (heading := HEADING.search(source)):
        return heading.group(1)
    if first.startswith("#") and cell.get("cell_type") == "code" and first.lstrip("# "):
        return first.lstrip("# ").strip()
    part = re.sub(r"^stage\d+-", "", cell["metadata"]["nbgrader"]["grade_id"])  # our ids
    return part.replace("-", " ").capitalize()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page, with named contents, wrapped messages, local MathJax."""

    @default("template_file")
    def _template_file_default(self) -> str:
        return "mapcourse_feedback.html.j2"

    def default_filters(self):  # noqa: ANN201 - nbconvert's signature
        yield from super().default_filters()
        yield "entry_title", entry_title


def copy_mathjax(course_root: Path, directory: Path) -> Path | None:
    """Put npm's MathJax into the nbgrader course folder; its path, or None without npm's."""
    source = course_root / MATHJAX_PACKAGE
    if not source.is_file():
        return None
    target = directory / MATHJAX
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target
