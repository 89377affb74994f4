"""The textbook's figures: readable at the size they are shown, captioned, explained, linked.

The tests that draw every figure from the reference solutions, in both layouts (the weight-decay
figure from a stand-in for the torch runs, whose drawing is the same), are slow: they share one
drawing of about 15 s.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mapcourse.site import coin, figures, figures_coin, figures_penalties, plotting
from mapcourse.site.decay import OPTIMIZERS, DecayResults, Trajectories
from mapcourse.site.nav import concept_pages
from mapcourse.site.plotting import LAYOUTS, NARROW, WIDE
from tests.site.conftest import ROOT

DESKTOP_COLUMN, PHONE_COLUMN = 688, 358
"""CSS px of Material's content column on a 1280 px and on a 390 px screen."""
DESKTOP_TEXT, PHONE_TEXT = 11, 9
"""The smallest text, in CSS px, a reader should meet on each."""

FONT_SIZE = re.compile(r"font-size: ?([0-9.]+)px")
INCLUDE = re.compile(r'^--8<-- "figure/([^"]+)\.md"$', re.MULTILINE)


def stand_in_training() -> DecayResults:
    """Trajectories shaped like the torch runs' (101 steps, 2 weights), without torch."""
    steps = np.linspace(0, 1, 101)[:, None]
    runs = {name: np.hstack([1.4 * steps, -0.7 * steps]) for name in OPTIMIZERS}
    return DecayResults(Trajectories(runs, runs, np.array([1.4, -0.7])), gaps={}, weight_decays=[])


@pytest.fixture(scope="module")
def drawn(course, tmp_path_factory) -> dict[tuple[str, str], tuple[Path, object]]:
    """(figure, layout) -> (its SVG, the matplotlib figure saved into it)."""
    target = tmp_path_factory.mktemp("figures")
    saved = {}

    def keep(fig, path):
        saved[path] = fig
        return plotting.save(fig, path)

    patch = pytest.MonkeyPatch()
    for module in (figures_coin, figures_penalties):
        patch.setattr(module, "save", keep)
    try:
        figures.write_figures(course, target, stand_in_training)
    finally:
        patch.undo()
    return {
        (figure.name, layout.name): (
            target / figure.file(layout),
            saved[target / figure.file(layout)],
        )
        for figure in figures.FIGURES
        for layout in LAYOUTS
    }


CASES = [(figure.name, layout.name) for figure in figures.FIGURES for layout in LAYOUTS]


def svg_width(svg: str) -> float:
    return float(re.search(r'<svg [^>]*\bwidth="([0-9.]+)px"', svg)[1])


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_each_drawing_is_as_wide_as_its_layout_says(drawn, case):
    svg = drawn[case][0].read_text()
    layout = WIDE if case[1] == WIDE.name else NARROW
    assert svg_width(svg) == layout.width
    assert float(svg.split('viewBox="')[1].split()[2]) == layout.width


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_figure_text_is_readable_where_it_is_shown(drawn, case):
    """Wide: shown in the 688 px column, text >= 11 px; narrow: in 358 px, text >= 9 px."""
    svg = drawn[case][0].read_text()
    width = svg_width(svg)
    sizes = [float(size) for size in FONT_SIZE.findall(svg)]
    assert sizes, "no SVG text: text drawn as paths cannot be measured or read"
    if case[1] == WIDE.name:
        assert min(sizes) * DESKTOP_COLUMN / width >= DESKTOP_TEXT
    else:
        assert min(sizes) * min(PHONE_COLUMN, width) / width >= PHONE_TEXT


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_figure_text_is_plain_text_not_tex(drawn, case):
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", drawn[case][0].read_text())
    assert texts
    assert not [text for text in texts if "$" in text or "\\" in text]


def line_style(line: Line2D) -> tuple:
    drawn = line.get_linestyle() not in ("None", "", " ")
    marker = line.get_marker() if line.get_marker() not in ("None", "", " ", None) else None
    return to_rgba(line.get_color()), line.get_linestyle() if drawn else None, marker


def covers(handle, style: tuple) -> bool:
    """True when a legend handle shows a line of this style (a patch: of this colour)."""
    color, linestyle, marker = style
    if isinstance(handle, Patch):
        return np.allclose(to_rgba(handle.get_facecolor())[:3], color[:3])
    other_color, other_linestyle, other_marker = line_style(handle)
    return (
        np.allclose(other_color[:3], color[:3])
        and (linestyle is None or linestyle == other_linestyle)
        and (marker is None or marker == other_marker)
    )


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_every_line_style_has_a_legend_entry(drawn, case):
    fig = drawn[case][1]
    handles = [handle for legend in fig.legends for handle in legend.legend_handles]
    assert handles, "the figure has no legend"
    styles = {
        line_style(line)
        for ax in fig.axes
        for line in ax.get_lines()
        if line.get_gid() != plotting.AXIS
    }
    missing = [style for style in styles if not any(covers(h, style) for h in handles)]
    assert not missing, f"lines with no legend entry: {missing}"


@pytest.mark.slow
def test_every_legend_label_is_plain_text(drawn):
    for _, fig in drawn.values():
        for legend in fig.legends:
            assert all(text.get_text() and "$" not in text.get_text() for text in legend.texts)


def fragment_parts(fragment: str) -> dict[str, str]:
    return {
        "alt": html.unescape(re.search(r'<img [^>]*alt="([^"]*)"', fragment)[1]),
        "caption": html.unescape(re.search(r"<figcaption>(.*)</figcaption>", fragment)[1]),
        "title": html.unescape(re.search(r'data-title="([^"]*)"', fragment)[1]),
    }


@pytest.mark.parametrize("number", range(1, len(figures.FIGURES) + 1))
def test_every_figure_has_a_numbered_caption_that_is_its_alt_text(number):
    figure = figures.FIGURES[number - 1]
    parts = fragment_parts(figures.figure_fragment(number, figure))
    assert parts["caption"].startswith(f"Figure {number}: ")
    assert parts["alt"] == parts["caption"] == parts["title"]


def test_figures_are_numbered_in_the_order_a_reader_meets_them(course):
    """Pages in the textbook's order, figures in each page's order: 1, 2, 3, ..."""
    met = []
    for page in concept_pages(course):
        met += [(page, name) for name in INCLUDE.findall((ROOT / "docs" / page).read_text())]
    assert met == [(figure.page, figure.name) for figure in figures.FIGURES]


def test_no_page_shows_a_figure_without_its_caption():
    for page in (ROOT / "docs").rglob("*.md"):
        text = page.read_text()
        assert not re.search(r"\]\([./]*assets/figures/", text), f"{page.name} shows a bare SVG"


@pytest.mark.parametrize("figure", figures.FIGURES, ids=lambda figure: figure.name)
def test_every_figure_shows_the_code_that_draws_it(figure):
    fragment = figures.figure_fragment(1, figure)
    assert f"def {figure.draw.__name__}(" in fragment
    file = re.search(r"(src/mapcourse/site/\w+\.py), lines (\d+)–(\d+)", fragment)
    assert file, "the code block does not say where the code lives"
    lines = (ROOT / file[1]).read_text().splitlines()[int(file[2]) - 1 : int(file[3])]
    assert lines[0].startswith(f"def {figure.draw.__name__}(")


@pytest.mark.parametrize("figure", figures.FIGURES, ids=lambda figure: figure.name)
def test_every_figure_opens_full_screen_and_swaps_for_phones(figure):
    fragment = figures.figure_fragment(1, figure)
    assert re.search(r'<a class="glightbox" href="\.\./assets/figures/[\w-]+\.svg"', fragment)
    narrow = f'media="(max-width: {plotting.NARROW_BELOW - 0.02:g}px)" '
    assert f'{narrow}srcset="../assets/figures/{figure.file(NARROW)}"' in fragment
    assert 'class="off-glb"' in fragment  # the lightbox wraps the <picture>, not the <img>


def test_figure_urls_assume_directory_urls():
    """Fragments write figure URLs relative to `page/`: mkdocs' default directory URLs."""
    assert "use_directory_urls: false" not in (ROOT / "mkdocs.yml").read_text()
    assert figures.site_root("mle-blind-spot.md") == "../"
    assert figures.site_root("index.md") == ""


def test_the_beta_curves_run_from_theta_0_to_1(course):
    theta, prior, posterior = figures_coin.beta_curves(coin.beta_example(course))
    assert (theta[0], theta[-1]) == (0.0, 1.0)
    assert np.isfinite(prior).all() and np.isfinite(posterior).all()
    assert posterior[-1] == 0.0  # Beta(a', b') with b' > 1 vanishes at theta = 1
