"""The textbook's figures in the order a reader meets them: number, caption, page and code.

Each figure is drawn in every layout of `plotting.LAYOUTS` (`<name>.svg`, `<name>-narrow.svg`)
and shown by a fragment, `figure/<name>.md`, that a page includes where the figure belongs:

    <figure>  the lightbox link around a <picture> (the narrow drawing below 600 px),
              its <img> with alt text equal to the caption, the <figcaption> "Figure N: ...",
    and below it a folded block with the source of the function that draws it.

Figures are numbered 1, 2, ... in the order of FIGURES, which is the order of their pages in
the textbook (a test checks it).
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapcourse.manifest import Course
from mapcourse.site import coin, figures_coin, figures_penalties, regression
from mapcourse.site.fragments import indent
from mapcourse.site.plotting import LAYOUTS, NARROW, NARROW_BELOW, WIDE, Layout

FIGURES_URL = "assets/figures"
"""Where the SVGs are, under the site's root (docs/assets/figures/ in the sources)."""


@dataclass(frozen=True)
class BookFigure:
    """One figure: its file name, the page that shows it, its caption and how it is drawn.

    `data(course, training)` computes what it shows (from the reference solutions; `training`
    waits for the weight-decay runs); `draw(data, path, layout)` writes one SVG.
    """

    name: str
    page: str
    caption: str
    data: Callable[[Course, Callable], Any]
    draw: Callable[[Any, Path, Layout], bool]

    def file(self, layout: Layout) -> str:
        return f"{self.name}{layout.suffix}.svg"


FIGURES = (
    BookFigure(
        "likelihood",
        "mle-blind-spot.md",
        "The likelihood of three heads rises all the way to θ = 1, so the MLE is 1; that of "
        "four heads and one tail peaks at the fraction of heads.",
        lambda course, _: [coin.blind_spot(course), coin.blind_spot(course, heads=4, tails=1)],
        figures_coin.likelihood_figure,
    ),
    BookFigure(
        "discrete-posterior",
        "discrete-prior-table.md",
        "Prior, likelihood and posterior of the two candidates. The posterior favours the biased "
        "coin by a narrow margin, so it is the MAP estimate; the posterior mean lies between the "
        "two.",
        lambda course, _: coin.worked_example(course),
        figures_coin.discrete_posterior_figure,
    ),
    BookFigure(
        "priors",
        "gaussian-prior-l2.md",
        "The Gaussian and Laplace prior densities, and their negative logs: a parabola, the L2 "
        "penalty, and a V, the L1 penalty.",
        lambda course, _: regression.prior_curves(course),
        figures_penalties.priors_figure,
    ),
    BookFigure(
        "l1-l2-geometry",
        "laplace-prior-l1.md",
        "A contour of the loss touches the L2 ball at a point where both weights are non-zero, "
        "and the L1 diamond at a corner, where the second weight is exactly zero.",
        lambda course, _: regression.geometry(course),
        figures_penalties.geometry_figure,
    ),
    BookFigure(
        "paths",
        "laplace-prior-l1.md",
        "Ridge and lasso weights against λ. Ridge shrinks the weights' norm, though some weights "
        "grow on the way, and none reaches zero; the lasso sets the weights to exactly zero one "
        "after another, and all of them past λ_max.",
        lambda course, _: regression.paths(course),
        figures_penalties.paths_figure,
    ),
    BookFigure(
        "weight-decay",
        "weight-decay-pytorch.md",
        "Both weights against the training step for SGD, Adam and AdamW. With SGD and Adam, "
        "weight_decay and the L2 term in the loss give one run, which reaches the MAP weights; "
        "AdamW parts from Adam with the L2 term, and is still moving at the last step.",
        lambda _, training: training().trajectories,
        figures_penalties.weight_decay_figure,
    ),
    BookFigure(
        "beta-posterior",
        "summary-full-bayes.md",
        "The Beta prior and the Beta posterior after three heads, from θ = 0 to θ = 1, with the "
        "MLE, the MAP estimate and the posterior mean marked.",
        lambda course, _: coin.beta_example(course),
        figures_coin.beta_figure,
    ),
)


def write_figures(course: Course, target: Path, training: Callable) -> list[Path]:
    """Draw every figure in every layout as SVG under target; the files that changed."""
    written = []
    for figure in FIGURES:
        data = figure.data(course, training)
        for layout in LAYOUTS:
            path = target / figure.file(layout)
            if figure.draw(data, path, layout):
                written.append(path)
    return written


def label(number: int, figure: BookFigure) -> str:
    """'Figure 3: The Gaussian and ...', the caption and the alt text."""
    return f"Figure {number}: {figure.caption}"


def site_root(page: str) -> str:
    """The relative URL from a page to the site's root, with mkdocs' directory URLs.

    `mle-blind-spot.md` is served as `mle-blind-spot/`, `stages/index.md` as `stages/`.
    """
    folders = page.count("/") + (Path(page).name != "index.md")
    return "../" * folders


def figure_fragment(number: int, figure: BookFigure) -> str:
    """The <figure> of one figure and the folded source of the function that draws it."""
    text = html.escape(label(number, figure))
    url = f"{site_root(figure.page)}{FIGURES_URL}/"
    lines = [
        f'<figure class="textbook-figure" id="figure-{number}">',
        f'<a class="glightbox" href="{url}{figure.file(WIDE)}" data-type="image" '
        f'data-title="{text}">',
        "<picture>",
        f'<source media="(max-width: {NARROW_BELOW - 0.02:g}px)" '
        f'srcset="{url}{figure.file(NARROW)}">',
        f'<img class="off-glb" src="{url}{figure.file(WIDE)}" alt="{text}">',
        "</picture>",
        "</a>",
        f"<figcaption>{text}</figcaption>",
        "</figure>",
        "",
        _code_block(number, figure.draw),
    ]
    return "\n".join(lines)


def _code_block(number: int, function: Callable) -> str:
    """A folded block with the source of `function`, its file and its lines."""
    source, first = inspect.getsourcelines(function)
    module = inspect.getmodule(function)
    file = "src/" + module.__name__.replace(".", "/") + ".py"
    last = first + len(source) - 1
    title = (
        f"The code that draws Figure {number}: {function.__name__}, {file}, lines {first}–{last}"
    )
    return f'??? example "{title}"\n' + indent("```python\n" + "".join(source) + "```") + "\n"


def figure_fragments() -> dict[str, str]:
    """`figure/<name>.md` -> the fragment, for every figure, numbered in book order."""
    return {
        f"figure/{figure.name}.md": figure_fragment(number, figure)
        for number, figure in enumerate(FIGURES, start=1)
    }
