"""Figures for the penalty pages: two priors, L2 ball and L1 diamond, paths, weight decay."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from mapcourse.site.plotting import AXIS, COLORS, WIDE, Layout, figure, legend_below, save
from mapcourse.site.regression import Geometry, Paths, PriorCurves

if TYPE_CHECKING:
    from mapcourse.site.decay import Trajectories

LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
WEIGHT_COLORS = ("#2a7ab0", "#d2691e")


def priors_figure(curves: PriorCurves, path: Path, layout: Layout = WIDE) -> bool:
    """N(0, 1/λ) and Laplace(0, 1/λ) densities, and -log density minus its value at 0."""
    fig, (density_ax, penalty_ax) = figure(layout, 2)
    lam = curves.lam
    for name, log_density, color, style in (
        (f"Gaussian N(0, 1/λ), λ = {lam:g}: penalty (λ/2)θ²", curves.gaussian, COLORS["l2"], "-"),
        (f"Laplace(0, b), b = 1/λ = {1 / lam:g}: penalty λ|θ|", curves.laplace, COLORS["l1"], "--"),
    ):
        density_ax.plot(curves.theta, np.exp(log_density), color=color, linestyle=style, label=name)
        centre = log_density[np.argmin(np.abs(curves.theta))]
        penalty_ax.plot(curves.theta, centre - log_density, color=color, linestyle=style)
    density_ax.set_title("prior density P(θ)")
    density_ax.set_xlabel("θ")
    penalty_ax.set_title("−log P(θ) + log P(0)")
    penalty_ax.set_xlabel("θ")
    legend_below(fig, layout, density_ax.get_legend_handles_labels()[0], columns=1)
    return save(fig, path)


def geometry_figure(geometry: Geometry, path: Path, layout: Layout = WIDE) -> bool:
    """Loss contours around w_ols meeting the L2 ball (ridge) and the L1 diamond (lasso)."""
    fig, axes = figure(layout, 2, height=300 if layout is WIDE else 290)
    grid = np.linspace(-1.6, 3.6, 261)
    w1, w2 = np.meshgrid(grid, grid)
    offset = np.stack([w1 - geometry.w_ols[0], w2 - geometry.w_ols[1]])
    loss = 0.5 * np.einsum("i...,ij,j...->...", offset, geometry.A, offset)
    angle = np.linspace(0, 2 * np.pi, 400)
    panels = [
        (
            "Gaussian prior: L2 ball",
            geometry.ridge,
            COLORS["l2"],
            np.linalg.norm(geometry.ridge) * np.stack([np.cos(angle), np.sin(angle)]),
        ),
        (
            "Laplace prior: L1 diamond",
            geometry.lasso,
            COLORS["l1"],
            np.abs(geometry.lasso).sum() * np.array([[1, 0, -1, 0, 1], [0, 1, 0, -1, 0]]),
        ),
    ]
    for ax, (title, w_map, color, boundary) in zip(axes, panels, strict=True):
        touching = 0.5 * (w_map - geometry.w_ols) @ geometry.A @ (w_map - geometry.w_ols)
        ax.contour(
            w1,
            w2,
            loss,
            levels=touching * np.array([0.15, 0.5, 2.0]),
            colors="#999999",
            linewidths=0.8,
        )
        ax.contour(w1, w2, loss, levels=[touching], colors="#333333", linewidths=1.6)
        ax.fill(*boundary, color=color, alpha=0.18)
        ax.plot(*boundary, color=color)
        ax.plot(*geometry.w_ols, "k+", markersize=12)
        ax.plot(*w_map, "o", color=color)
        ax.annotate(
            f"MAP ({w_map[0]:.3g}, {w_map[1]:.3g})",
            w_map,
            textcoords="offset points",
            xytext=(8, -16),
            bbox=LABEL_BOX,
        )
        ax.axhline(0, color="#bbbbbb", linewidth=0.8, gid=AXIS)
        ax.axvline(0, color="#bbbbbb", linewidth=0.8, gid=AXIS)
        ax.set_xlim(-1.5, 3.0)
        ax.set_ylim(-1.5, 2.6)
        ax.set_aspect("equal")
        ax.set_title(f"{title}, λ = {geometry.lam:g}")
        ax.set_xlabel("w₁")
        ax.set_ylabel("w₂")
    legend_below(
        fig,
        layout,
        [
            Line2D([], [], color="#999999", linewidth=0.8, label="loss contours"),
            Line2D([], [], color="#333333", linewidth=1.6, label="the contour through MAP"),
            Patch(facecolor=COLORS["l2"], alpha=0.35, label="L2 ball"),
            Patch(facecolor=COLORS["l1"], alpha=0.35, label="L1 diamond"),
            Line2D(
                [],
                [],
                color="black",
                marker="+",
                markersize=12,
                linestyle="",
                label="least squares",
            ),
            Line2D([], [], color="#555555", marker="o", linestyle="", label="MAP point"),
        ],
        columns=3,
    )
    return save(fig, path)


def paths_figure(paths: Paths, path: Path, layout: Layout = WIDE) -> bool:
    """Ridge and lasso weights against λ (log scale); the lasso's are exactly 0 past λ_max."""
    fig, (ridge_ax, lasso_ax) = figure(layout, 2, height=260)
    for ax, weights, title in (
        (ridge_ax, paths.ridge, "ridge: ½‖y − Xw‖² + (λ/2)‖w‖²"),
        (lasso_ax, paths.lasso, "lasso: ½‖y − Xw‖² + λ‖w‖₁"),
    ):
        for j in range(weights.shape[1]):
            ax.plot(paths.lams, weights[:, j], color=f"C{j}", label=f"w{_subscript(j + 1)}")
        ax.axhline(0, color="#999999", linewidth=0.8, gid=AXIS)
        ax.axvline(paths.lam_max, color="#333333", linestyle="--", linewidth=1.2)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.minorticks_off()
        ax.set_xlabel("λ")
        ax.set_ylabel("MAP weight")
        ax.set_title(title)
    handles = ridge_ax.get_legend_handles_labels()[0]
    handles.append(
        Line2D(
            [],
            [],
            color="#333333",
            linestyle="--",
            label=f"λ_max = max |Xⱼᵀy| = {paths.lam_max:.3g}",
        )
    )
    legend_below(fig, layout, handles, columns=7 if layout is WIDE else 3)
    return save(fig, path)


def weight_decay_figure(trajectories: Trajectories, path: Path, layout: Layout = WIDE) -> bool:
    """Both weights against the step: weight_decay=λ (solid), l2=λ in the loss (dashed), MAP."""
    names = list(trajectories.weight_decay)
    fig, axes = figure(layout, len(names), height=230 if layout is WIDE else 200)
    titles = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW (dashed: Adam + L2)"}
    for ax, name in zip(axes, names, strict=True):
        for j, color in enumerate(WEIGHT_COLORS):
            ax.plot(trajectories.weight_decay[name][:, j], color=color, linewidth=3, alpha=0.6)
            ax.plot(trajectories.l2[name][:, j], color="black", linestyle="--", linewidth=1.2)
            ax.axhline(trajectories.map_weights[j], color=color, linestyle=":", linewidth=1.5)
        ax.set_title(titles.get(name, name))
        ax.set_xlabel("step")
        ax.set_ylabel("weight")
    handles = [
        Line2D(
            [],
            [],
            color=color,
            linewidth=3,
            alpha=0.6,
            label=f"w{_subscript(j + 1)}, weight_decay=λ",
        )
        for j, color in enumerate(WEIGHT_COLORS)
    ]
    handles.append(
        Line2D(
            [],
            [],
            color="black",
            linestyle="--",
            linewidth=1.2,
            label="w₁ and w₂, l2=λ in the loss",
        )
    )
    handles += [
        Line2D(
            [],
            [],
            color=color,
            linestyle=":",
            linewidth=1.5,
            label=f"w{_subscript(j + 1)}, MAP (map_ridge)",
        )
        for j, color in enumerate(WEIGHT_COLORS)
    ]
    legend_below(fig, layout, handles, columns=3)
    return save(fig, path)


def _subscript(number: int) -> str:
    """12 as '₁₂'."""
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
