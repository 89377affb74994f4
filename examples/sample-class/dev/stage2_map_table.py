# Sample submission for the course's demo class (examples/make_sample_class.py).
"""Stage 2: a discrete prior and the MAP table.

Bayes' theorem over a finite set of candidate thetas:
P(theta | D) = P(D | theta) P(theta) / P(D), with P(D) = sum over theta of P(D | theta) P(theta).
P(D | theta) = theta**heads * (1 - theta)**tails is a sequence likelihood (no binomial
coefficient, 0**0 == 1). `thetas` and `prior` are lists, tuples or numpy arrays.

Counts: `heads` and `tails` are non-negative whole numbers: an int, a numpy integer or
a whole-valued float such as 3.0. A negative, fractional, nan or infinite count raises
ValueError naming that count (`heads` or `tails`); one that is not a number may raise
TypeError instead. Scalar results are Python floats.
"""

import math
from numbers import Real
from typing import NamedTuple

import numpy as np


class PosteriorTable(NamedTuple):
    theta: np.ndarray  # candidate values, as given
    prior: np.ndarray  # P(theta)
    likelihood: np.ndarray  # P(D | theta), sequence likelihood
    product: np.ndarray  # prior * likelihood (unnormalised posterior)
    posterior: np.ndarray  # P(theta | D) = product / evidence
    evidence: float  # P(D) = sum(product)
    log_evidence: float  # log P(D), finite even when evidence underflows to 0.0


def _as_count(value: object, name: str) -> int:
    """A flip count as an int; a count must be a non-negative whole number."""
    if not isinstance(value, Real | np.integer | np.floating):
        raise TypeError(f"{name} must be a number of flips, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or value != math.floor(value):
        raise ValueError(f"{name} must be a non-negative whole number, got {value!r}")
    return int(value)


def posterior_table(thetas, prior, heads, tails) -> PosteriorTable:
    """Prior, likelihood, product and posterior for each candidate theta, as a PosteriorTable.

    The arrays are float64, one entry per candidate in the given order; evidence and
    log_evidence are floats. Compute in log space: with l = log prior + log likelihood and
    m = max(l), let w = exp(l - m); then posterior = w / sum(w) and log_evidence =
    m + log(sum(w)). Divide by the shifted exponentials' own sum: exp(l - log_evidence) can miss
    "sums to 1 within 1e-12" by about 1e-11 at 10**7 flips. So the posterior stays right (no
    nan) up to heads + tails = 10**7, where likelihood, product and evidence underflow to 0.0.
    A candidate with prior 0 has posterior exactly 0.
    Raises ValueError naming `thetas` or `prior` when they are empty or of different lengths,
    naming `thetas` for a duplicate theta or a theta outside [0, 1], naming `prior` for a
    negative prior or a prior whose sum differs from 1 by more than 1e-9 (1e-12 is fine), and,
    with any message (no single argument is at fault), for data impossible under every
    candidate with positive prior. Left open (not graded): a nan or infinite entry of `thetas`
    or `prior` (a nan prior passes `abs(sum - 1) > 1e-9`); refuse it with ValueError naming
    the argument, or let it through. Counts: see the module docstring.
    """
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    thetas = np.asarray(thetas, dtype=float)
    prior = np.asarray(prior, dtype=float)
    if thetas.ndim != 1 or thetas.size == 0:
        raise ValueError(f"thetas must be a non-empty list of candidates, got {thetas.tolist()!r}")
    if prior.shape != thetas.shape:
        raise ValueError(f"prior has {prior.size} entries but thetas has {thetas.size}")
    if np.isnan(thetas).any() or (thetas < 0).any() or (thetas > 1).any():
        raise ValueError(f"every theta must lie in [0, 1], got {thetas.tolist()!r}")
    if np.unique(thetas).size != thetas.size:
        raise ValueError(f"thetas must not repeat a candidate, got {thetas.tolist()!r}")
    if not np.isfinite(prior).all() or (prior < 0).any():
        raise ValueError(f"prior must hold non-negative probabilities, got {prior.tolist()!r}")
    if abs(prior.sum() - 1.0) > 1e-9:
        raise ValueError(f"prior must sum to 1, but it sums to {prior.sum()!r}")

    with np.errstate(divide="ignore", invalid="ignore"):
        log_likelihood = np.where(heads > 0, heads * np.log(thetas), 0.0) + np.where(
            tails > 0, tails * np.log1p(-thetas), 0.0
        )
        log_product = np.log(prior) + log_likelihood
    if np.isneginf(log_product).all():
        raise ValueError(
            f"the data (heads={heads}, tails={tails}) are impossible under every candidate "
            "with positive prior"
        )
    peak = log_product.max()
    scaled = np.exp(log_product - peak)
    log_evidence = peak + math.log(scaled.sum())
    likelihood = np.exp(log_likelihood)
    product = prior * likelihood
    return PosteriorTable(
        theta=thetas,
        prior=prior,
        likelihood=likelihood,
        product=product,
        posterior=scaled / scaled.sum(),
        evidence=float(product.sum()),
        log_evidence=float(log_evidence),
    )


def map_estimate(thetas, prior, heads, tails) -> float:
    """The candidate with the largest posterior, as a float; an exact tie goes to the first given.

    Raises ValueError as posterior_table does (any message for data impossible under every
    candidate with positive prior). Counts: see the module docstring.
    """
    table = posterior_table(thetas, prior, heads, tails)
    return float(table.theta[np.argmax(table.posterior)])


def posterior_mean(thetas, prior, heads, tails) -> float:
    """The posterior mean: sum over candidates of theta * P(theta | D), as a float.

    Raises ValueError as posterior_table does (any message for data impossible under every
    candidate with positive prior). Counts: see the module docstring.
    """
    table = posterior_table(thetas, prior, heads, tails)
    return float(np.sum(table.theta * table.posterior))
