# Sample submission for the course's demo class (examples/make_sample_class.py).
"""Stage 1: maximum likelihood for a coin.

A coin lands heads with probability theta. One particular sequence of flips with
`heads` heads and `tails` tails has likelihood theta**heads * (1 - theta)**tails.
"""

import math
from numbers import Real

import numpy as np


def _as_count(value: object, name: str) -> int:
    """A flip count as an int; a count must be a non-negative whole number."""
    if not isinstance(value, Real | np.integer | np.floating):
        raise TypeError(f"{name} must be a number of flips, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or value != math.floor(value):
        raise ValueError(f"{name} must be a non-negative whole number, got {value!r}")
    return int(value)


def log_likelihood(theta, heads, tails):
    """Log-likelihood of the flips: heads*log(theta) + tails*log(1 - theta).

    0*log(0) counts as 0, so a theta that makes the data impossible gives -inf, never nan.
    A scalar theta gives a float; an array-like theta gives an ndarray of its shape.
    """
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    try:
        thetas = np.asarray(theta, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"theta must be a number or an array of numbers, got {theta!r}") from None
    if np.isnan(thetas).any() or (thetas < 0).any() or (thetas > 1).any():
        raise ValueError(f"theta must lie in [0, 1], got {theta!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        heads_term = np.where(heads > 0, heads * np.log(thetas), 0.0)
        tails_term = np.where(tails > 0, tails * np.log1p(-thetas), 0.0)
    log_lik = heads_term + tails_term
    return float(log_lik) if log_lik.ndim == 0 else log_lik


def mle(heads, tails) -> float:
    """The maximum likelihood estimate: heads / (heads + tails)."""
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if heads + tails == 0:
        raise ValueError("heads and tails are both 0: with no flips the MLE is undefined")
    return heads / (heads + tails)


def grid_mle(heads, tails, grid_size=1001) -> float:
    """The theta in np.linspace(0, 1, grid_size) with the largest log-likelihood.

    Ties go to the smallest theta.
    """
    if not isinstance(grid_size, int | np.integer) or grid_size < 2:
        raise ValueError(f"grid_size must be a whole number of at least 2, got {grid_size!r}")
    grid = np.linspace(0.0, 1.0, int(grid_size))
    return float(grid[np.argmax(log_likelihood(grid, heads, tails))])
