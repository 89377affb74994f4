"""Shared matplotlib set-up: the Agg backend, one look for every figure, byte-stable SVG."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mapcourse.site.output import write_if_changed  # noqa: E402

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

STYLE = {
    "svg.hashsalt": "mapcourse",
    "svg.fonttype": "path",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "legend.frameon": False,
}


def figure(ncols: int, width: float = 9.0, height: float = 3.2) -> tuple[Figure, list]:
    """A white figure with `ncols` axes side by side, in the course's style."""
    plt.rcParams.update(STYLE)
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    return fig, list(axes[0])


def save(fig: Figure, path: Path) -> bool:
    """Write fig as SVG with no date, so the same figure gives the same bytes.

    Returns True when the file changed; an unchanged file is left alone so that
    `mkdocs serve` does not see a change and rebuild forever.
    """
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return write_if_changed(path, buffer.getvalue())
