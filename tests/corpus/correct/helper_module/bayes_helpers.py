"""Log-space helpers for the MAP table."""

import numpy as np


def log_likelihoods(thetas, heads, tails):
    """heads*log(theta) + tails*log(1 - theta) with 0*log(0) = 0, elementwise."""
    with np.errstate(divide="ignore"):
        heads_term = heads * np.log(thetas) if heads else np.zeros_like(thetas)
        tails_term = tails * np.log1p(-thetas) if tails else np.zeros_like(thetas)
    return heads_term + tails_term


def normalise_logs(log_weights):
    """(weights / sum, log(sum of exp(log_weights))), computed without underflow."""
    peak = np.max(log_weights)
    weights = np.exp(log_weights - peak)
    return weights / weights.sum(), float(peak + np.log(weights.sum()))
