"""Shared matplotlib set-up: the Agg backend, one look for every figure, byte-stable SVG.

Every figure is drawn twice, at the size it is shown: WIDE for the 688 px content column
of a desktop screen (panels side by side), NARROW for a phone (panels one above the other).
An SVG's width and its font sizes are CSS px, so text drawn at `layout.font` px is shown at
that size when the drawing fills its width, and larger when the column is wider.
Text is SVG text (not paths) in plain Unicode, so a reader, a search or a test can read it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mapcourse.files import write_atomic  # noqa: E402

COLORS = {
    "prior": "#7b61b1",
    "likelihood": "#2a7ab0",
    "posterior": "#d2691e",
    "mle": "#2a7ab0",
    "map": "#c0392b",
    "mean": "#2e8b57",
    "l2": "#2a7ab0",
    "l1": "#c0392b",
}

AXIS = "axis"
"""The gid of a thin line at 0 that marks an axis: the only kind of line with no legend entry."""

STYLE = {
    "svg.hashsalt": "mapcourse",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "legend.frameon": False,
    "figure.dpi": 72,
    "figure.constrained_layout.w_pad": 0.1,
    "figure.constrained_layout.h_pad": 0.06,
}


@dataclass(frozen=True)
class Layout:
    """One drawing of a figure: its width and its text size in CSS px, its panels' order."""

    name: str
    width: float
    font: float
    stacked: bool
    panel_height: float

    @property
    def suffix(self) -> str:
        """The file name's ending: `likelihood.svg` for WIDE, `likelihood-narrow.svg`."""
        return "" if self is WIDE else f"-{self.name}"


WIDE = Layout("wide", width=688, font=12, stacked=False, panel_height=250)
"""The content column of a 1280 px screen is 688 px wide: shown 1:1, text 12 px."""
NARROW = Layout("narrow", width=350, font=10.5, stacked=True, panel_height=230)
"""A 390 px phone leaves 358 px: shown at 350 px or a little less, text above 10 px."""
LAYOUTS = (WIDE, NARROW)
NARROW_BELOW = 600
"""Screens narrower than this (CSS px) get the NARROW drawing."""


def figure(layout: Layout, panels: int = 1, height: float | None = None) -> tuple[Figure, list]:
    """A white figure with `panels` axes, side by side (wide) or stacked (narrow).

    `height` is one panel's height in px (the layout's by default); a stacked figure is that
    times the number of panels.
    """
    plt.rcParams.update(STYLE)
    plt.rcParams.update(
        {
            key: layout.font
            for key in (
                "font.size",
                "axes.titlesize",
                "axes.labelsize",
                "xtick.labelsize",
                "ytick.labelsize",
                "legend.fontsize",
            )
        }
    )
    rows, cols = (panels, 1) if layout.stacked else (1, panels)
    panel_height = height or layout.panel_height
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(layout.width / 72, panel_height * rows / 72),
        squeeze=False,
        layout="constrained",
    )
    return fig, list(axes.ravel())


def legend_below(fig: Figure, layout: Layout, handles: list, columns: int) -> None:
    """A legend under the panels: `columns` across on a wide drawing, fewer on a narrow one."""
    ncols = columns if not layout.stacked else min(columns, 2)
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols)


_SVG_TAG = re.compile(rb"<svg [^>]*>")
_POINTS = re.compile(rb'\b((?:width|height)="[0-9.]+)pt"')


def save(fig: Figure, path: Path) -> bool:
    """Write fig as SVG with no date, so the same figure gives the same bytes.

    matplotlib sizes an SVG in pt, one user unit each; the file says px instead, so the
    drawing's natural size is its layout's width in CSS px and a font size is CSS px.
    Returns True when the file changed; an unchanged file is left alone so that
    `mkdocs serve` does not see a change and rebuild forever.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = _SVG_TAG.sub(lambda tag: _POINTS.sub(rb'\1px"', tag[0]), buffer.getvalue(), count=1)
    return write_atomic(path, svg)
