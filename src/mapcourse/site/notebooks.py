"""A Jupyter notebook for each concept page: its prose, and the code behind its numbers and figures.

The page (`docs/<page>`) is the one source. Its text becomes markdown cells; each part the
build computes becomes a code cell that computes it the same way:

- `--8<-- "figure/<name>.md"` becomes the cell that draws that figure: the data expression and
  the drawing function of `figures.FIGURES`, read from figures.py;
- `--8<-- "<fragment>"` of a computed number or table becomes the cell that computes it: the
  expression `textbook.page_fragments` or `textbook.training_fragments` uses for it, read
  from textbook.py (the course's registered content), shown with IPython's Markdown;
- a ```python block of the page becomes a code cell as it is;
- any other fragment (an exercise box, manifest text) is written out as markdown, as the
  page shows it.

So a notebook never holds a number or a line of code typed by hand: change a reference
solution, a page or the code that draws a figure and the next build writes a new notebook.
`generate()` writes them to docs/assets/notebooks/ (not committed), mkdocs copies them into
the site, and the mkdocs hook puts a download link at the top of each page that has one.
tests/site/test_notebooks.py runs every notebook in a fresh kernel.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import posixpath
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course

NOTEBOOKS_URL = "assets/notebooks"
"""Where the notebooks are, under the site's root (docs/assets/notebooks/ in the sources)."""

SNIPPET = re.compile(r'^--8<--\s+"([^"]+)"\s*$')
FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*(?:\s+"([^"]*)")?\s*$')
PAGE_LINK = re.compile(r"\]\((?![a-z]+:|#|/)([^)\s]+?)\.md(#[^)\s]*)?\)")
KATEX_MACRO = re.compile(r'"\\\\(\w+)":\s*"((?:[^"\\]|\\.)*)"')
RESULTS = "results"
"""The notebook's name for the weight-decay runs (`decay.decay_results`), trained on first use."""


def notebooks_dir(root: Path) -> Path:
    return root / "docs" / NOTEBOOKS_URL


def notebook_name(page: str) -> str:
    """`mle-blind-spot.md` -> `mle-blind-spot.ipynb`."""
    return Path(page).with_suffix(".ipynb").name


def candidate_pages(course: Course) -> list[str]:
    """The concept pages of course.toml and the pages that lead to them, in course order."""
    from mapcourse.site.nav import concept_pages

    return concept_pages(course)


@dataclass(frozen=True)
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    shows: str = ""
    """What the cell computes on the page: `figure/<name>.md` or a fragment's path."""


# --- The code the build runs, read from its own source -------------------------------------


def _function(module, name: str) -> ast.FunctionDef:
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise LookupError(f"{module.__name__} has no function {name}")


class _Rename(ast.NodeTransformer):
    """Rename the build's parameters to the notebook's names; `training()` is `results`."""

    def __init__(self, names: dict[str, str], training: str | None = None):
        self.names, self.training = names, training

    def visit_Call(self, node: ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == self.training and not node.args:
            return ast.copy_location(ast.Name(RESULTS, ast.Load()), node)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name):
        if node.id in self.names:
            return ast.copy_location(ast.Name(self.names[node.id], node.ctx), node)
        return node


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _fragment_code(function: ast.FunctionDef, parameter: str) -> dict[str, str]:
    """Fragment path -> the code computing it, from a function that returns or assigns a dict
    literal of fragment paths; the simple assignments before it that the code needs come first."""
    rename = _Rename({function.args.args[0].arg: parameter})
    assignments: list[ast.Assign] = []
    code: dict[str, str] = {}
    for statement in function.body:
        value = getattr(statement, "value", None)
        if isinstance(value, ast.Dict):
            for key, expression in zip(value.keys, value.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                needed = [a for a in assignments if _names(expression) & _targets(a)]
                lines = [ast.unparse(rename.visit(a)) for a in needed]
                lines.append(f"Markdown({ast.unparse(rename.visit(expression))})")
                code[key.value] = "\n".join(lines)
        elif isinstance(statement, ast.Assign):
            assignments.append(statement)
    return code


def _targets(assignment: ast.Assign) -> set[str]:
    return set().union(*(_names(target) for target in assignment.targets))


def computed_fragments(course: Course) -> dict[str, str]:
    """Fragment path -> the code that computes it, as the course's content module (course.toml's
    `[site] content`, here mapcourse.site.textbook) writes it; none for a course without one."""
    from mapcourse.site.content import site_content

    content = site_content(course)
    code: dict[str, str] = {}
    for function, parameter in (("page_fragments", "course"), ("training_fragments", RESULTS)):
        if content is not None and hasattr(content, function):
            code |= _fragment_code(_function(content, function), parameter)
    return code


def figure_code(course: Course) -> dict[str, tuple[int, str, str]]:
    """Figure name -> (number, caption, code drawing it), from `figures.FIGURES` and its source;
    none for a course without a content module (it draws no figures)."""
    from mapcourse.site.content import site_content

    if site_content(course) is None:
        return {}
    from mapcourse.site import figures

    fields = [field.name for field in dataclasses.fields(figures.BookFigure)]
    data: dict[str, str] = {}
    for node in ast.walk(ast.parse(inspect.getsource(figures))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "BookFigure":
            arguments = dict(zip(fields, node.args, strict=False))
            arguments |= {keyword.arg: keyword.value for keyword in node.keywords}
            data[ast.literal_eval(arguments["name"])] = _data_code(arguments["data"])
    from mapcourse.site.plotting import WIDE

    code = {}
    for number, figure in enumerate(figures.FIGURES, start=1):
        draw = figure.draw
        module = draw.__module__.rsplit(".", 1)[-1]
        code[figure.name] = (
            number,
            figures.label(number, figure),
            f"data = {data[figure.name]}\n"
            f'{module}.{draw.__name__}(data, Path("{figure.file(WIDE)}"), WIDE)\n'
            f'SVG("{figure.file(WIDE)}")',
        )
    return code


def _data_code(node: ast.expr) -> str:
    """The expression a figure's `data(course, training)` evaluates, in the notebook's names."""
    if isinstance(node, ast.Lambda):
        parameters = [argument.arg for argument in node.args.args]
        course, training = (parameters + ["_", "_"])[:2]
        return ast.unparse(_Rename({course: "course"}, training).visit(node.body))
    return f"{ast.unparse(node)}(course, lambda: {RESULTS})"


# --- The page, cell by cell -----------------------------------------------------------------


def _blocks(text: str) -> Iterator[tuple[str, str]]:
    """("markdown", text), ("python", code) and ("snippet", path) blocks of a page, in order."""
    lines = text.splitlines()
    markdown: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        snippet = SNIPPET.match(line)
        fence = FENCE.match(line)
        if snippet or (fence and fence.group(2) in ("python", "py")):
            if markdown:
                yield "markdown", "\n".join(markdown)
                markdown = []
            if snippet:
                yield "snippet", snippet.group(1)
                i += 1
                continue
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(fence.group(1)))
            yield "python", "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if fence:  # another language's block stays in the text, untouched
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(fence.group(1)))
            markdown += lines[i : end + 1]
            i = end + 1
            continue
        markdown.append(line)
        i += 1
    if markdown:
        yield "markdown", "\n".join(markdown)


def jupyter_markdown(text: str, page: str, site_url: str | None) -> str:
    """The page's Markdown as Jupyter renders it: admonitions as quotes, links to the site."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        admonition = ADMONITION.match(lines[i])
        if not admonition:
            out.append(lines[i])
            i += 1
            continue
        body = []
        i += 1
        while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        quoted = [f"> **{admonition.group(1)}**", ">"] if admonition.group(1) else []
        quoted += [f"> {line}".rstrip() for line in textwrap.dedent("\n".join(body)).splitlines()]
        out += [*quoted, ""]

    def link(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), match.group(1)))
        if site_url is None:
            return f"]({target}.md{match.group(2) or ''})"
        address = site_url.rstrip("/") + "/" + ("" if target == "index" else target + "/")
        return f"]({address.removesuffix('index/')}{match.group(2) or ''})"

    return PAGE_LINK.sub(link, "\n".join(out)).strip()


def page_cells(course: Course, page: str, fragments_dir: Path) -> list[Cell]:
    """The page's cells; no code cell at all means the page computes nothing."""
    from mapcourse.release import site_url

    url = site_url(course)
    computed = computed_fragments(course)
    drawn = figure_code(course)
    cells: list[Cell] = []
    text = (course.root / "docs" / page).read_text()
    for kind, content in _blocks(text):
        if kind == "python":
            cells.append(Cell("code", content))
        elif kind == "snippet" and content.startswith("figure/"):
            number, caption, code = drawn[Path(content).stem]
            cells += [Cell("code", code, content), Cell("markdown", f"*{caption}*")]
        elif kind == "snippet" and content in computed:
            cells.append(Cell("code", computed[content], content))
        elif kind == "snippet":
            included = (fragments_dir / content).read_text()
            cells.append(Cell("markdown", jupyter_markdown(included, page, url)))
        elif content.strip():
            cells.append(Cell("markdown", jupyter_markdown(content, page, url)))
    return [cell for cell in cells if cell.source.strip()]


def _setup(course: Course, page: str, cells: list[Cell]) -> list[Cell]:
    """The title note, TeX macros of the site's KaTeX, and the imports the code cells use."""
    from mapcourse.release import site_url

    url = site_url(course)
    where = f"[the textbook page]({url.rstrip('/')}/{page[:-3]}/)" if url else f"`docs/{page}`"
    note = (
        f"*This notebook is {where}, with the code that computes its numbers and draws its "
        "figures: the course's reference solutions, run by the textbook's own code "
        "(`mapcourse.site`). Run it from a checkout of the course, installed with "
        '`pip install -e ".[docs]"`. It is generated from the page; edit the page, not '
        "the notebook.*"
    )
    katex = course.root / "docs" / "javascripts" / "katex.js"
    macros = KATEX_MACRO.findall(katex.read_text()) if katex.is_file() else []
    if macros:
        definitions = " ".join(
            rf"\newcommand{{\{name}}}{{{value.replace(chr(92) * 2, chr(92))}}}"
            for name, value in macros
        )
        note += f"\n\n${definitions}$"
    used = set()
    for cell in cells:
        if cell.kind == "code":
            used |= _names(ast.parse(cell.source))
    site_modules = {path.stem for path in Path(__file__).parent.glob("*.py")}
    modules = sorted(used & site_modules)
    if not modules:
        return [Cell("markdown", note)]
    if RESULTS in used:
        modules = sorted({*modules, "decay"})
    display = [name for name in ("Markdown", "SVG") if name in used]
    lines = ["from pathlib import Path", ""] if "Path" in used else []
    lines += [f"from IPython.display import {', '.join(display)}", ""] if display else []
    lines.append("from mapcourse.manifest import find_root, load_course")
    lines.append(f"from mapcourse.site import {', '.join(modules)}")
    if "WIDE" in used:
        lines.append("from mapcourse.site.plotting import WIDE")
    lines += [
        "",
        "course = load_course(find_root())  # course.toml and solutions/ of this checkout",
    ]
    if RESULTS in used:
        lines.append(
            f"{RESULTS} = decay.decay_results(course)  # every training run of the page, "
            "with stage 5's reference `train`"
        )
    return [Cell("markdown", note), Cell("code", "\n".join(lines))]


def page_notebook(course: Course, page: str, fragments_dir: Path) -> dict | None:
    """The notebook (nbformat 4, as JSON data) of a page, or None when it computes nothing."""
    cells = page_cells(course, page, fragments_dir)
    if not any(cell.kind == "code" for cell in cells):
        return None
    cells[1:1] = _setup(course, page, cells)  # after the title
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": cell.source}
            if cell.kind == "markdown"
            else {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {"mapcourse": {"shows": cell.shows}} if cell.shows else {},
                "outputs": [],
                "source": cell.source,
            }
            for cell in cells
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebooks(course: Course, fragments_dir: Path) -> dict[str, bytes]:
    """File name -> the bytes of each notebook, for the pages that compute something."""
    written = {}
    for page in candidate_pages(course):
        notebook = page_notebook(course, page, fragments_dir)
        if notebook is not None:
            for index, cell in enumerate(notebook["cells"]):
                cell["id"] = f"cell-{index}"  # stable ids: the same page gives the same bytes
            written[notebook_name(page)] = (json.dumps(notebook, indent=1) + "\n").encode()
    return written


def write_notebooks(course: Course, fragments_dir: Path, inputs_digest: str) -> list[Path]:
    """Write every page's notebook to docs/assets/notebooks/, delete those of pages that have
    none; the files that changed.

    Skipped when neither the build's inputs (`inputs_digest`) nor any page changed since the
    last run: reading the figures' code imports matplotlib, which a build with nothing to
    draw would not otherwise pay for.
    """
    import hashlib

    from mapcourse.files import write_atomic

    target = notebooks_dir(course.root)
    digest = hashlib.sha256(inputs_digest.encode())
    for page in candidate_pages(course):
        digest.update(page.encode() + (course.root / "docs" / page).read_bytes())
    stamp = fragments_dir / ".notebooks.json"
    try:
        last = json.loads(stamp.read_text())
    except (OSError, ValueError):
        last = {}
    if last.get("digest") == digest.hexdigest() and all(
        (target / name).is_file() for name in last.get("notebooks", ())
    ):
        return []
    files = notebooks(course, fragments_dir)
    written = [target / name for name, data in files.items() if write_atomic(target / name, data)]
    for stale in target.glob("*.ipynb"):
        if stale.name not in files:
            stale.unlink()
    record = {"digest": digest.hexdigest(), "notebooks": sorted(files)}
    write_atomic(stamp, json.dumps(record, indent=1).encode())
    return written


def download_note(page: str, names: set[str]) -> str | None:
    """The box at the top of a page with a notebook: where to download it and what it holds."""
    name = notebook_name(page)
    if name not in names:
        return None
    up = "../" * page.count("/")
    return (
        '<div class="admonition example notebook-download" markdown>\n'
        '<p class="admonition-title">Run this page</p>\n\n'
        f"[Download this page as a Jupyter notebook]({up}{NOTEBOOKS_URL}/{name}){{ download }}:"
        " its text, and the code that computes its numbers and draws its figures from the "
        "course's reference solutions. Run it in a checkout of the course.\n\n"
        "</div>\n"
    )


def with_download_note(markdown: str, page: str, root: Path) -> str:
    """The page's Markdown with its notebook's download box under the title, if it has one."""
    note = download_note(page, {path.name for path in notebooks_dir(root).glob("*.ipynb")})
    if note is None:
        return markdown
    lines = markdown.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "\n".join([*lines[: title + 1], "", note, *lines[title + 1 :]])
