# Sample submission for the course's demo class (examples/make_sample_class.py).
"""Stage 6: from MAP to the full posterior.

A Beta(a, b) prior on the coin's theta is conjugate: after `heads` heads and `tails`
tails the posterior is exactly Beta(a + heads, b + tails) = Beta(a', b').

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


def beta_posterior(a, b, heads, tails) -> tuple[float, float]:
    """The posterior's parameters (a + heads, b + tails), as a tuple of two floats.

    Raises ValueError naming `a` when a <= 0 and `b` when b <= 0. Left open (not graded): a nan
    or infinite `a` or `b`; refuse it with ValueError naming the argument, or let it through.
    Counts: see the module docstring.
    """
    for value, name in ((a, "a"), (b, "b")):
        if not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(a + _as_count(heads, "heads")), float(b + _as_count(tails, "tails"))


def beta_map(a, b, heads, tails) -> float:
    """The mode of the posterior Beta(a', b'), as a float.

    (a'-1)/(a'+b'-2) when a', b' > 1; 0.0 when a' <= 1 <= b' and 1.0 when b' <= 1 <= a'
    (not both 1). Raises ValueError, with any message (no single argument is at fault), when
    a' == b' == 1 (flat: every theta is a mode) or both are below 1 (two modes, 0 and 1).
    With a = b = 1 the MAP is the MLE; 3 heads under Beta(2, 2) give 0.8, not the MLE's 1.0.
    Errors of a and b as beta_posterior. Counts: see the module docstring.
    """
    a_post, b_post = beta_posterior(a, b, heads, tails)
    if a_post > 1 and b_post > 1:
        return (a_post - 1) / (a_post + b_post - 2)
    if a_post == 1 and b_post == 1:
        raise ValueError("a' = b' = 1: the posterior is flat and every theta is a mode")
    if a_post < 1 and b_post < 1:
        raise ValueError(f"a' = {a_post} and b' = {b_post} are both below 1: two modes, 0 and 1")
    return 1.0 if a_post > b_post else 0.0


def posterior_mean(a, b, heads, tails) -> float:
    """The posterior mean a' / (a' + b'), a float: the probability that the next flip is heads.

    Errors of a and b as beta_posterior. Counts: see the module docstring.
    """
    a_post, b_post = beta_posterior(a, b, heads, tails)
    return a_post / (a_post + b_post)
