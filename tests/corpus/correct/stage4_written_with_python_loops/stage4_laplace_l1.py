"""Stage 4 with loops: Laplace prior, L1 penalty, soft thresholding and the lasso."""

import math

import numpy as np


def _flat(values):
    """The numbers in a scalar, list, tuple or array, as a list of floats."""
    if isinstance(values, np.ndarray):
        return [float(v) for v in values.ravel()]
    if isinstance(values, list | tuple):
        return [float(v) for v in values]
    return [float(values)]


def _soft(value, t):
    if value > t:
        return value - t
    if value < -t:
        return value + t
    return 0.0


def laplace_log_prior(theta, b):
    total = 0.0
    for value in _flat(theta):
        total += -abs(value) / b - math.log(2 * b)
    return total


def l1_penalty(theta, lam):
    return lam * math.fsum(abs(value) for value in _flat(theta))


def soft_threshold(z, t):
    if t < 0:
        raise ValueError(f"the threshold t must be >= 0, got {t}")
    return np.array([_soft(value, t) for value in _flat(z)], dtype=float)


def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    rows = [_flat(row) for row in X]
    targets = _flat(y)
    n, d = len(rows), len(rows[0])
    columns = [[rows[i][j] for i in range(n)] for j in range(d)]
    squared_norms = [sum(value * value for value in column) for column in columns]
    weights = [0.0] * d
    residual = list(targets)
    for _ in range(max_iter):
        largest_move = 0.0
        for j in range(d):
            if squared_norms[j] == 0:
                continue
            column = columns[j]
            z_j = sum(column[i] * residual[i] for i in range(n)) + squared_norms[j] * weights[j]
            new_weight = _soft(z_j, lam) / squared_norms[j]
            move = new_weight - weights[j]
            if move != 0:
                for i in range(n):
                    residual[i] -= column[i] * move
                weights[j] = new_weight
                largest_move = max(largest_move, abs(move))
        if largest_move <= tol:
            break
    return np.array(weights, dtype=float)
