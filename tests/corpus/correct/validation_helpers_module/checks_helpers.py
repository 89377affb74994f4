"""Input checks shared by the stage files."""

import math

import numpy as np


def positive(value, name):
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return float(value)


def non_negative(value, name):
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return float(value)


def count(value, name):
    if isinstance(value, bool) or not math.isfinite(value) or value < 0 or value % 1:
        raise ValueError(f"{name} must be a non-negative whole number, got {value}")
    return int(value)


def vector(value):
    return np.atleast_1d(np.asarray(value, dtype=np.float64))
