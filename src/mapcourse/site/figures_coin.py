"""Figures for the coin pages: likelihood and MLE, the discrete posterior, the Beta posterior."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from mapcourse.site.coin import BetaExample, BlindSpot, WorkedExample
from mapcourse.site.plotting import COLORS, figure, save


def likelihood_figure(examples: list[BlindSpot], path: Path) -> bool:
    """P(D | theta) = theta^h (1 - theta)^t against theta, one panel per data set, MLE marked."""
    fig, axes = figure(len(examples))
    for ax, example in zip(axes, examples, strict=True):
        ax.plot(example.grid, np.exp(example.log_likelihood), color=COLORS["likelihood"])
        ax.axvline(example.mle, color=COLORS["mle"], linestyle="--", linewidth=1)
        peak = math.exp(max(example.log_likelihood))
        ax.plot([example.grid_mle], [peak], "o", color=COLORS["mle"])
        ax.annotate(
            f"MLE = {example.mle:g}",
            (example.mle, peak),
            textcoords="offset points",
            xytext=(-8, -14),
            ha="right",
        )
        ax.set_title(flips(example.heads, example.tails))
        ax.set_xlabel(r"$\theta$ (probability of heads)")
        ax.set_ylabel(r"likelihood $P(D \mid \theta)$")
        ax.set_xlim(0, 1)
        ax.set_ylim(bottom=0)
    return save(fig, path)


def discrete_posterior_figure(example: WorkedExample, path: Path) -> bool:
    """Prior, likelihood and posterior = prior x likelihood / evidence, as bars per candidate."""
    table = example.table
    fig, axes = figure(3, width=9.5, height=3.0)
    labels = [f"{theta:g}" for theta in table.theta]
    panels = [
        (r"prior $P(\theta)$", table.prior, COLORS["prior"]),
        (r"likelihood $P(D \mid \theta)$", table.likelihood, COLORS["likelihood"]),
        (r"posterior $P(\theta \mid D)$", table.posterior, COLORS["posterior"]),
    ]
    for ax, (title, values, color) in zip(axes, panels, strict=True):
        bars = ax.bar(labels, values, color=color, width=0.55)
        ax.bar_label(bars, labels=[f"{v:.5g}" for v in values], padding=2)
        ax.set_title(title)
        ax.set_xlabel(r"$\theta$")
        ax.set_ylim(0, max(values) * 1.25)
    map_index = int(np.flatnonzero(table.theta == example.map)[0])
    axes[2].patches[map_index].set_edgecolor(COLORS["map"])
    axes[2].patches[map_index].set_linewidth(2)
    axes[2].set_xlabel(
        rf"$\theta$   (MAP {example.map:g}, posterior mean {example.posterior_mean:.5f})"
    )
    return save(fig, path)


def beta_figure(example: BetaExample, path: Path) -> bool:
    """Beta(a, b) prior and Beta(a', b') posterior densities, with the MLE, MAP and mean marked."""
    theta = np.linspace(0.0, 1.0, 401)[1:-1]
    fig, axes = figure(1, width=6.5, height=3.2)
    ax = axes[0]
    a_post, b_post = example.posterior
    ax.plot(
        theta,
        beta_density(theta, example.a, example.b),
        color=COLORS["prior"],
        label=f"prior Beta({example.a:g}, {example.b:g})",
    )
    ax.plot(
        theta,
        beta_density(theta, a_post, b_post),
        color=COLORS["posterior"],
        label=f"posterior Beta({a_post:g}, {b_post:g})",
    )
    marks = [
        ("MLE", example.mle, COLORS["mle"], ":"),
        ("MAP", example.map, COLORS["map"], "--"),
        ("posterior mean", example.posterior_mean, COLORS["mean"], "-."),
    ]
    for name, value, color, style in marks:
        ax.axvline(
            value, color=color, linestyle=style, linewidth=1.2, label=f"{name} = {value:.4g}"
        )
    ax.set_xlabel(r"$\theta$")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_title(flips(example.heads, example.tails))
    ax.legend(loc="upper left", fontsize=8)
    return save(fig, path)


def beta_density(theta: np.ndarray, a: float, b: float) -> np.ndarray:
    """theta^(a-1) (1-theta)^(b-1) / B(a, b) for theta in (0, 1), B(a, b) = G(a) G(b) / G(a+b)."""
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return np.exp((a - 1) * np.log(theta) + (b - 1) * np.log1p(-theta) - log_beta)


def flips(heads: int, tails: int) -> str:
    """'4 heads, 1 tail'."""
    return f"{heads} head{'s' * (heads != 1)}, {tails} tail{'s' * (tails != 1)}"
