"""Stage 6 with scipy: the Beta posterior, its mode and its mean."""

import math
from typing import NamedTuple

from scipy import stats


class BetaParameters(NamedTuple):
    a: float
    b: float


def _count(value, name):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number") from None
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        raise ValueError(f"{name} must be a whole number >= 0, got {value}")
    return int(number)


def beta_posterior(a, b, heads, tails):
    if not a > 0:
        raise ValueError(f"prior parameter a must be > 0, got {a}")
    if not b > 0:
        raise ValueError(f"prior parameter b must be > 0, got {b}")
    return BetaParameters(float(a) + _count(heads, "heads"), float(b) + _count(tails, "tails"))


def beta_map(a, b, heads, tails):
    a_post, b_post = beta_posterior(a, b, heads, tails)
    if a_post == b_post == 1:
        raise ValueError("a' = b' = 1: Beta(1, 1) is flat, no single mode")
    if a_post < 1 and b_post < 1:
        raise ValueError(f"a' = {a_post}, b' = {b_post}: both below 1, modes at 0 and 1")
    if a_post > 1 and b_post > 1:
        return (a_post - 1) / (a_post + b_post - 2)
    return 0.0 if a_post <= 1 <= b_post else 1.0


def posterior_mean(a, b, heads, tails):
    return float(stats.beta(*beta_posterior(a, b, heads, tails)).mean())
