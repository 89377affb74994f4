"""Figures for the coin pages: likelihood and MLE, the discrete posterior, the Beta posterior."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mapcourse.site.coin import BetaExample, BlindSpot, WorkedExample
from mapcourse.site.plotting import COLORS, WIDE, Layout, figure, legend_below, save


def likelihood_figure(examples: list[BlindSpot], path: Path, layout: Layout = WIDE) -> bool:
    """P(D | θ) = θ^h (1 - θ)^t against θ, one panel per data set, MLE marked."""
    fig, axes = figure(layout, len(examples))
    for ax, example in zip(axes, examples, strict=True):
        ax.plot(example.grid, np.exp(example.log_likelihood), color=COLORS["likelihood"])
        ax.axvline(example.mle, color=COLORS["mle"], linestyle="--", linewidth=1.2)
        peak = math.exp(max(example.log_likelihood))
        ax.plot([example.grid_mle], [peak], "o", color=COLORS["mle"])
        ax.annotate(
            f"MLE = {example.mle:g}",
            (example.mle, peak),
            textcoords="offset points",
            xytext=(-8, -16),
            ha="right",
        )
        ax.set_title(flips(example.heads, example.tails))
        ax.set_xlabel("θ (probability of heads)")
        ax.set_ylabel("likelihood P(D | θ)")
        ax.set_xlim(0, 1)
        ax.set_ylim(bottom=0)
    legend_below(
        fig,
        layout,
        [
            Line2D([], [], color=COLORS["likelihood"], label="likelihood P(D | θ)"),
            Line2D(
                [],
                [],
                color=COLORS["mle"],
                linestyle="--",
                marker="o",
                label="its maximum, the MLE",
            ),
        ],
        columns=2,
    )
    return save(fig, path)


def discrete_posterior_figure(example: WorkedExample, path: Path, layout: Layout = WIDE) -> bool:
    """Prior, likelihood and posterior = prior x likelihood / evidence, as bars per candidate."""
    table = example.table
    fig, axes = figure(layout, 3, height=230 if layout is WIDE else 200)
    panels = [
        ("prior P(θ)", table.prior, COLORS["prior"]),
        ("likelihood P(D | θ)", table.likelihood, COLORS["likelihood"]),
        ("posterior P(θ | D)", table.posterior, COLORS["posterior"]),
    ]
    width = 0.14
    for ax, (title, values, color) in zip(axes, panels, strict=True):
        bars = ax.bar(table.theta, values, color=color, width=width)
        ax.bar_label(bars, labels=[f"{v:.5g}" for v in values], padding=2)
        ax.set_title(title)
        ax.set_xlabel("θ")
        ax.set_xticks(table.theta, [f"{theta:g}" for theta in table.theta])
        ax.set_xlim(min(table.theta) - 2 * width, max(table.theta) + 2 * width)
        ax.set_ylim(0, max(values) * 1.3)
    posterior_ax = axes[2]
    map_index = int(np.flatnonzero(table.theta == example.map)[0])
    posterior_ax.patches[map_index].set_edgecolor(COLORS["map"])
    posterior_ax.patches[map_index].set_linewidth(2.5)
    posterior_ax.axvline(example.posterior_mean, color=COLORS["mean"], linestyle="--")
    legend_below(
        fig,
        layout,
        [
            Patch(
                facecolor=COLORS["posterior"],
                edgecolor=COLORS["map"],
                linewidth=2.5,
                label=f"MAP estimate, θ = {example.map:g}",
            ),
            Line2D(
                [],
                [],
                color=COLORS["mean"],
                linestyle="--",
                label=f"posterior mean {example.posterior_mean:.5f}",
            ),
        ],
        columns=2,
    )
    return save(fig, path)


def beta_curves(example: BetaExample, points: int = 401) -> tuple[np.ndarray, ...]:
    """θ from 0 to 1 inclusive, the prior's and the posterior's densities there."""
    theta = np.linspace(0.0, 1.0, points)
    a_post, b_post = example.posterior
    return (
        theta,
        beta_density(theta, example.a, example.b),
        beta_density(theta, a_post, b_post),
    )


def beta_figure(example: BetaExample, path: Path, layout: Layout = WIDE) -> bool:
    """Beta(a, b) prior and Beta(a', b') posterior densities, with the MLE, MAP and mean marked."""
    theta, prior, posterior = beta_curves(example)
    fig, (ax,) = figure(layout, 1, height=330 if layout is WIDE else 380)
    a_post, b_post = example.posterior
    ax.plot(theta, prior, color=COLORS["prior"], label=f"prior Beta({example.a:g}, {example.b:g})")
    ax.plot(
        theta, posterior, color=COLORS["posterior"], label=f"posterior Beta({a_post:g}, {b_post:g})"
    )
    marks = [
        ("MLE", example.mle, COLORS["mle"], ":"),
        ("MAP", example.map, COLORS["map"], "--"),
        ("posterior mean", example.posterior_mean, COLORS["mean"], "-."),
    ]
    for name, value, color, style in marks:
        ax.axvline(
            value, color=color, linestyle=style, linewidth=1.5, label=f"{name} = {value:.4g}"
        )
    ax.set_xlabel("θ")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_title(flips(example.heads, example.tails))
    legend_below(fig, layout, ax.get_legend_handles_labels()[0], columns=2)
    return save(fig, path)


def beta_density(theta: np.ndarray, a: float, b: float) -> np.ndarray:
    """θ^(a-1) (1-θ)^(b-1) / B(a, b) on [0, 1], B(a, b) = Γ(a) Γ(b) / Γ(a+b), 0 log 0 = 0."""
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    with np.errstate(divide="ignore"):
        log_density = _xlog(a - 1, theta) + _xlog(b - 1, 1 - theta) - log_beta
    return np.exp(log_density)


def _xlog(x: float, y: np.ndarray) -> np.ndarray:
    """x log y, with 0 log 0 = 0."""
    return np.zeros_like(y) if x == 0 else x * np.log(y)


def flips(heads: int, tails: int) -> str:
    """'4 heads, 1 tail'."""
    return f"{heads} head{'s' * (heads != 1)}, {tails} tail{'s' * (tails != 1)}"
