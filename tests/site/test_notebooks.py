"""The concept pages' notebooks: generated from the page, and reproducing its numbers and figures.

The fast tests read the notebooks built from the pages with stand-in text for the fragments
that are only manifest text; the slow one runs every notebook the build writes, each in a
fresh kernel, and compares what it computes with what the page shows.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mapcourse.site import notebooks
from mapcourse.site.notebooks import SNIPPET
from tests.site.conftest import ROOT


def snippets(page: str) -> list[str]:
    text = (ROOT / "docs" / page).read_text()
    return [m.group(1) for line in text.splitlines() if (m := SNIPPET.match(line))]


@pytest.fixture(scope="module")
def stand_in_fragments(tmp_path_factory) -> Path:
    """A fragments folder with a marked stand-in for each fragment the build does not compute."""
    folder = tmp_path_factory.mktemp("fragments")
    computed = notebooks.computed_fragments(notebooks_course())
    for page in notebooks.candidate_pages(notebooks_course()):
        for name in snippets(page):
            if name not in computed and not name.startswith("figure/"):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(f'!!! abstract "Stand-in"\n    text of {name}\n')
    return folder


def notebooks_course():
    from mapcourse.manifest import load_course

    return load_course(ROOT)


@pytest.fixture(scope="module")
def built(stand_in_fragments) -> dict[str, dict]:
    files = notebooks.notebooks(notebooks_course(), stand_in_fragments)
    return {name: json.loads(data) for name, data in files.items()}


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_every_concept_page_that_computes_something_has_a_notebook(built, course):
    computed = notebooks.computed_fragments(notebooks_course())
    for page in notebooks.candidate_pages(course):
        computes = "```python" in (ROOT / "docs" / page).read_text() or any(
            s.startswith("figure/") or s in computed for s in snippets(page)
        )
        assert (notebooks.notebook_name(page) in built) == computes, page
    assert {notebooks.notebook_name(stage.concept) for stage in course.stages} <= set(built)


def test_each_figure_and_number_of_a_page_is_a_code_cell_that_computes_it(built):
    computed = notebooks.computed_fragments(notebooks_course())
    for name, notebook in built.items():
        page = name.replace(".ipynb", ".md")
        shown = [
            cell["metadata"]["mapcourse"]["shows"]
            for cell in code_cells(notebook)
            if "mapcourse" in cell["metadata"]
        ]
        expected = [s for s in snippets(page) if s.startswith("figure/") or s in computed]
        assert shown == expected, name
        for cell in code_cells(notebook):
            shows = cell["metadata"].get("mapcourse", {}).get("shows", "")
            if shows.startswith("figure/"):
                figure = Path(shows).stem
                assert f'Path("{figure}.svg")' in cell["source"]
                assert "(course" in cell["source"] or "results" in cell["source"]
            elif shows:
                assert cell["source"].splitlines()[-1].startswith("Markdown(fragments.")


def test_the_prose_is_the_page_and_no_build_syntax_is_left(built):
    for name, notebook in built.items():
        text = "\n".join(
            cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "markdown"
        )
        page = (ROOT / "docs" / name.replace(".ipynb", ".md")).read_text()
        title = page.splitlines()[0]
        assert notebook["cells"][0]["source"].startswith(title)
        assert "--8<--" not in text and "!!!" not in text, name
        assert not re.search(r"\]\([\w./-]+\.md", text), f"{name}: a link to a .md file"
        assert "> **Stand-in**" in text  # the exercise box, as a quote
        for paragraph in re.findall(r"^[A-Z][^\n]{30,}$", page, re.M)[:5]:
            if "](" not in paragraph and "--8<--" not in paragraph:
                assert paragraph in text, f"{name}: {paragraph!r}"


def test_the_page_code_block_is_a_cell(built):
    cells = code_cells(built["weight-decay-pytorch.ipynb"])
    assert any("torch.optim.Adam(model.parameters()" in cell["source"] for cell in cells)


def test_the_same_pages_give_the_same_bytes(stand_in_fragments, course):
    first = notebooks.notebooks(course, stand_in_fragments)
    assert notebooks.notebooks(course, stand_in_fragments) == first


def test_markdown_for_jupyter():
    text = (
        '!!! note "Two conventions"\n'
        "    - one\n"
        "\n"
        "    - two, see the [next page](map-bayes.md#the-map-estimate)\n"
        "\n"
        "After [home](index.md) and [stage](stages/stage1_mle_coin.md), "
        "[out](https://example.org/a.md).\n"
    )
    out = notebooks.jupyter_markdown(text, "mle-blind-spot.md", "https://h.org/book/")
    assert out.splitlines()[:3] == ["> **Two conventions**", ">", "> - one"]
    assert "(https://h.org/book/map-bayes/#the-map-estimate)" in out
    assert "[home](https://h.org/book/)" in out
    assert "(https://h.org/book/stages/stage1_mle_coin/)" in out
    assert "(https://example.org/a.md)" in out
    assert "[home](index.md)" in notebooks.jupyter_markdown(text, "mle-blind-spot.md", None)


def test_the_download_box_sits_under_the_title(tmp_path):
    (tmp_path / "docs" / notebooks.NOTEBOOKS_URL).mkdir(parents=True)
    (tmp_path / "docs" / notebooks.NOTEBOOKS_URL / "mle-blind-spot.ipynb").write_text("{}")
    page = "# The title\n\nText.\n"
    out = notebooks.with_download_note(page, "mle-blind-spot.md", tmp_path)
    assert out.startswith('# The title\n\n<div class="admonition example notebook-download"')
    assert "](assets/notebooks/mle-blind-spot.ipynb){ download }" in out
    assert out.endswith("Text.\n")
    assert notebooks.with_download_note(page, "map-bayes.md", tmp_path) == page


@pytest.fixture(scope="module")
def generated() -> Path:
    """The build's notebooks (generate() is a no-op when nothing changed since the last build)."""
    from mapcourse.site.pipeline import generate

    generate(ROOT)
    return notebooks.notebooks_dir(ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("page", notebooks.candidate_pages(notebooks_course()))
def test_the_notebook_runs_and_shows_the_page_numbers_and_figures(page, generated, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    name = notebooks.notebook_name(page)
    if not (generated / name).is_file():
        pytest.skip(f"{page} computes nothing: it has no notebook")
    shutil.copy(generated / name, tmp_path / name)
    notebook = nbformat.read(tmp_path / name, as_version=4)
    nbformat.validate(notebook)
    # A fresh kernel in an empty folder; any error in a cell fails the test.
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    for cell in notebook.cells:
        shows = cell.metadata.get("mapcourse", {}).get("shows", "")
        if shows.startswith("figure/"):
            svg = f"{Path(shows).stem}.svg"
            assert (tmp_path / svg).read_bytes() == (
                ROOT / "docs/assets/figures" / svg
            ).read_bytes()
            assert any("image/svg+xml" in output.get("data", {}) for output in cell.outputs)
        elif shows:
            markdown = [o["data"]["text/markdown"] for o in cell.outputs if "data" in o]
            assert markdown == [(ROOT / "build/textbook" / shows).read_text()], shows
