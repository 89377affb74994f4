# Sample submission for the course's demo class (examples/make_sample_class.py).
"""Stage 1: maximum likelihood for a coin.

A coin lands heads with probability theta. One particular sequence of flips with
`heads` heads and `tails` tails has likelihood theta**heads * (1 - theta)**tails
(a sequence likelihood: no binomial coefficient, and 0**0 == 1).

Counts: `heads` and `tails` are non-negative whole numbers: an int, a numpy integer or
a whole-valued float such as 3.0. A negative, fractional, nan or infinite count raises
ValueError naming that count (`heads` or `tails`); one that is not a number may raise
TypeError instead. Scalar results are Python floats.
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
    """Log-likelihood of the flips: heads*log(theta) + tails*log(1 - theta), with 0*log(0) = 0.

    A scalar theta gives a float; an array-like theta (list, tuple, ndarray) gives an ndarray
    of the same shape. A theta that makes the data impossible gives -inf, never nan.
    Raises ValueError naming `theta` when a theta lies outside [0, 1] or is nan.
    Counts: see the module docstring.
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
    """The maximum likelihood estimate heads / (heads + tails), as a float.

    Raises ValueError when there are no flips at all (heads = tails = 0): the MLE is
    undefined, and as no single argument is at fault, any message will do.
    Counts: see the module docstring.
    """
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if heads + tails == 0:
        raise ValueError("heads and tails are both 0: with no flips the MLE is undefined")
    return heads / (heads + tails)


def grid_mle(heads, tails, grid_size=1001) -> float:
    """The theta in np.linspace(0, 1, grid_size) with the largest log_likelihood, as a float.

    Ties go to the smallest theta. Raises ValueError naming `grid_size` when grid_size < 2.
    Left open (not graded): a grid_size that is not a whole number (2.5, nan, inf); refuse it
    with ValueError or TypeError naming `grid_size`, or leave it to np.linspace.
    Counts: see the module docstring.
    """
    if not isinstance(grid_size, int | np.integer) or grid_size < 2:
        raise ValueError(f"grid_size must be a whole number of at least 2, got {grid_size!r}")
    grid = np.linspace(0.0, 1.0, int(grid_size))
    return float(grid[np.argmax(log_likelihood(grid, heads, tails))])
