"""The coin examples of the textbook, computed by the reference solutions of stages 1, 2 and 6.

Data D is one sequence of flips with `heads` heads and `tails` tails; its likelihood is
P(D | theta) = theta**heads * (1 - theta)**tails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mapcourse.manifest import Course
from mapcourse.reference import load_reference


@dataclass(frozen=True)
class BlindSpot:
    """Three heads in three flips: the MLE is 1, the coin 'always' lands heads."""

    heads: int
    tails: int
    mle: float
    grid_mle: float
    grid: np.ndarray
    log_likelihood: np.ndarray


@dataclass(frozen=True)
class WorkedExample:
    """The source's table: candidates theta, a discrete prior, 4 heads and 1 tail."""

    heads: int
    tails: int
    table: Any  # the reference's PosteriorTable
    mle: float
    map: float
    posterior_mean: float


@dataclass(frozen=True)
class BetaExample:
    """A Beta(a, b) prior on the 3-heads coin: the posterior is Beta(a + heads, b + tails)."""

    a: float
    b: float
    heads: int
    tails: int
    posterior: tuple[float, float]
    mle: float
    map: float
    posterior_mean: float
    flat_posterior: tuple[float, float]
    flat_map: float
    flat_mean: float


def blind_spot(course: Course, heads: int = 3, tails: int = 0) -> BlindSpot:
    """MLE = heads / (heads + tails), and the log-likelihood on a grid of theta."""
    stage1 = load_reference(course, "stage1_mle_coin")
    grid = np.linspace(0.0, 1.0, 401)
    return BlindSpot(
        heads=heads,
        tails=tails,
        mle=stage1.mle(heads, tails),
        grid_mle=stage1.grid_mle(heads, tails),
        grid=grid,
        log_likelihood=stage1.log_likelihood(grid, heads, tails),
    )


def worked_example(
    course: Course,
    thetas: tuple[float, ...] = (0.5, 0.8),
    prior: tuple[float, ...] = (0.7, 0.3),
    heads: int = 4,
    tails: int = 1,
) -> WorkedExample:
    """P(theta | D) = P(D | theta) P(theta) / P(D) for each candidate, with its MAP and mean."""
    stage1 = load_reference(course, "stage1_mle_coin")
    stage2 = load_reference(course, "stage2_map_table")
    return WorkedExample(
        heads=heads,
        tails=tails,
        table=stage2.posterior_table(thetas, prior, heads, tails),
        mle=stage1.mle(heads, tails),
        map=stage2.map_estimate(thetas, prior, heads, tails),
        posterior_mean=stage2.posterior_mean(thetas, prior, heads, tails),
    )


def beta_example(
    course: Course, a: float = 2.0, b: float = 2.0, heads: int = 3, tails: int = 0
) -> BetaExample:
    """Beta(a, b) prior: MAP (a'-1)/(a'+b'-2), mean a'/(a'+b'); a flat Beta(1, 1) gives the MLE."""
    stage1 = load_reference(course, "stage1_mle_coin")
    stage6 = load_reference(course, "stage6_beta_bayes")
    return BetaExample(
        a=a,
        b=b,
        heads=heads,
        tails=tails,
        posterior=stage6.beta_posterior(a, b, heads, tails),
        mle=stage1.mle(heads, tails),
        map=stage6.beta_map(a, b, heads, tails),
        posterior_mean=stage6.posterior_mean(a, b, heads, tails),
        flat_posterior=stage6.beta_posterior(1, 1, heads, tails),
        flat_map=stage6.beta_map(1, 1, heads, tails),
        flat_mean=stage6.posterior_mean(1, 1, heads, tails),
    )
