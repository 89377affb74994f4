"""Figures for the penalty pages: two priors, L2 ball and L1 diamond, paths, weight decay."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mapcourse.site.plotting import COLORS, figure, save
from mapcourse.site.regression import Geometry, Paths, PriorCurves

if TYPE_CHECKING:
    from mapcourse.site.decay import Trajectories

LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


def priors_figure(curves: PriorCurves, path: Path) -> bool:
    """N(0, 1/lam) and Laplace(0, 1/lam) densities, and -log density minus its value at 0."""
    fig, (density_ax, penalty_ax) = figure(2, height=3.0)
    lam = curves.lam
    for name, log_density, color in (
        (
            rf"Gaussian $\mathcal{{N}}(0, 1/\lambda)$, $\lambda = {lam:g}$",
            curves.gaussian,
            COLORS["l2"],
        ),
        (rf"Laplace$(0, b)$, $b = 1/\lambda = {1 / lam:g}$", curves.laplace, COLORS["l1"]),
    ):
        density_ax.plot(curves.theta, np.exp(log_density), color=color, label=name)
        centre = log_density[np.argmin(np.abs(curves.theta))]
        penalty_ax.plot(curves.theta, centre - log_density, color=color)
    density_ax.set_title("prior density")
    density_ax.set_xlabel(r"$\theta$")
    density_ax.legend(loc="upper left", fontsize=8)
    penalty_ax.set_title(r"$-\log p(\theta)$ minus its value at 0")
    penalty_ax.set_xlabel(r"$\theta$")
    penalty_ax.text(
        1.5, 3.6, r"$\frac{\lambda}{2}\theta^2$", color=COLORS["l2"], fontsize=12, ha="right"
    )
    penalty_ax.text(2.3, 1.5, r"$\lambda|\theta|$", color=COLORS["l1"], fontsize=12)
    return save(fig, path)


def geometry_figure(geometry: Geometry, path: Path) -> bool:
    """Loss contours around w_ols meeting the L2 ball (ridge) and the L1 diamond (lasso)."""
    fig, axes = figure(2, width=9.0, height=4.3)
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
        ax.contour(w1, w2, loss, levels=[touching], colors="#333333", linewidths=1.4)
        ax.fill(*boundary, color=color, alpha=0.18)
        ax.plot(*boundary, color=color)
        ax.plot(*geometry.w_ols, "k+", markersize=10)
        ax.annotate(
            "least squares",
            geometry.w_ols,
            textcoords="offset points",
            xytext=(6, 4),
            bbox=LABEL_BOX,
        )
        ax.plot(*w_map, "o", color=color)
        ax.annotate(
            f"MAP ({w_map[0]:.3g}, {w_map[1]:.3g})",
            w_map,
            textcoords="offset points",
            xytext=(8, -14),
            bbox=LABEL_BOX,
        )
        ax.axhline(0, color="#bbbbbb", linewidth=0.8)
        ax.axvline(0, color="#bbbbbb", linewidth=0.8)
        ax.set_xlim(-1.5, 3.0)
        ax.set_ylim(-1.5, 2.6)
        ax.set_aspect("equal")
        ax.set_title(f"{title}, $\\lambda = {geometry.lam:g}$")
        ax.set_xlabel(r"$w_1$")
        ax.set_ylabel(r"$w_2$")
    return save(fig, path)


def paths_figure(paths: Paths, path: Path) -> bool:
    """Ridge and lasso weights against lam (log scale); the lasso's are exactly 0 past lam_max."""
    fig, (ridge_ax, lasso_ax) = figure(2, height=3.4)
    for ax, weights, title in (
        (ridge_ax, paths.ridge, r"ridge: $\frac{1}{2}\|y - Xw\|^2 + \frac{\lambda}{2}\|w\|_2^2$"),
        (lasso_ax, paths.lasso, r"lasso: $\frac{1}{2}\|y - Xw\|^2 + \lambda\|w\|_1$"),
    ):
        for j in range(weights.shape[1]):
            ax.plot(paths.lams, weights[:, j], label=f"$w_{j + 1}$")
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlabel(r"$\lambda$")
        ax.set_title(title)
    lasso_ax.axvline(paths.lam_max, color="#333333", linestyle="--", linewidth=1)
    lasso_ax.annotate(
        r"$\lambda_{\max} = \max_j |X_j^\top y|$",
        (paths.lam_max, 0.5),
        textcoords="offset points",
        xytext=(-6, 20),
        ha="right",
    )
    ridge_ax.set_ylabel("MAP weight")
    ridge_ax.legend(loc="upper right", fontsize=8, ncol=2)
    return save(fig, path)


def weight_decay_figure(trajectories: Trajectories, path: Path) -> bool:
    """Both weights against the step: weight_decay=lam (solid) and l2=lam in the loss (dashed)."""
    names = list(trajectories.weight_decay)
    fig, axes = figure(len(names), width=10.0, height=3.2)
    titles = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}
    for ax, name in zip(axes, names, strict=True):
        for j, color in enumerate(("#2a7ab0", "#d2691e")):
            ax.plot(
                trajectories.weight_decay[name][:, j],
                color=color,
                label=f"$w_{j + 1}$, weight_decay",
            )
            ax.plot(
                trajectories.l2[name][:, j],
                color="black",
                linestyle=(0, (2, 3)),
                linewidth=1.2,
                label=f"$w_{j + 1}$, L2 in the loss" if j == 0 else None,
            )
            ax.axhline(trajectories.map_weights[j], color=color, linestyle=":", linewidth=1)
        ax.set_title(titles.get(name, name))
        ax.set_xlabel("step")
    axes[0].set_ylabel("weight")
    axes[0].legend(loc="center right", fontsize=7)
    return save(fig, path)
