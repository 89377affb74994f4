# Sample submission for the course's demo class (examples/make_sample_class.py).
"""Stage 4: a Laplace prior gives the L1 penalty, and sparsity.

With independent priors theta_i ~ Laplace(0, b), the negative log-prior is
sum|theta| / b plus a constant: MAP with this prior is L1-regularised MLE (the lasso).
Arrays are lists, tuples or numpy arrays; scalar results are Python floats.
"""

import math

import numpy as np


def _as_finite_array(value, name: str) -> np.ndarray:
    """value as a float64 array, refusing nan and infinity."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, got {type(value).__name__}") from None
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array


def _as_scale(value, name: str, *, allow_zero: bool) -> float:
    """value as a finite float that is > 0 (or >= 0 when allow_zero)."""
    if not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def laplace_log_prior(theta, b) -> float:
    """Log density of theta under independent Laplace(0, b): -sum|theta|/b - d*log(2b).

    A float, with d = theta.size (a scalar is one parameter). Equals
    torch.distributions.Laplace(0, b).log_prob(theta).sum().
    Raises ValueError naming `b` when b <= 0. Left open (not graded): a nan or infinite `b`
    or entry of `theta`; refuse it with ValueError naming the argument, or let it through.
    """
    theta = _as_finite_array(theta, "theta")
    b = _as_scale(b, "b", allow_zero=False)
    return float(-np.sum(np.abs(theta)) / b - theta.size * math.log(2 * b))


def l1_penalty(theta, lam) -> float:
    """The L1 penalty lam * sum|theta|, a float: the Laplace negative log-prior with lam = 1/b.

    -laplace_log_prior(theta, b) == l1_penalty(theta, 1/b) + d*log(2*b).
    Raises ValueError naming `lam` when lam < 0. Left open (not graded): a nan or infinite
    `lam` or entry of `theta`; refuse it with ValueError naming the argument, or let it through.
    """
    theta = _as_finite_array(theta, "theta")
    lam = _as_scale(lam, "lam", allow_zero=True)
    return float(lam * np.sum(np.abs(theta)))


def soft_threshold(z, t) -> np.ndarray:
    """sign(z) * max(|z| - t, 0) elementwise, an ndarray: the proximal operator of t*|.|.

    Exactly 0.0 wherever |z| <= t. Raises ValueError naming `t` when t < 0.
    Left open (not graded): a nan or infinite `t` or entry of `z`; refuse it with ValueError
    naming the argument, or let it through.
    """
    z = _as_finite_array(z, "z")
    t = _as_scale(t, "t", allow_zero=True)
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10) -> np.ndarray:
    """Minimiser of 0.5*||y - Xw||^2 + lam*||w||_1, an ndarray of shape (d,).

    MAP with unit noise variance and a Laplace prior of scale 1/lam. Weights that are zero at
    the optimum are exactly 0.0; for lam >= max|X.T y| all are. The result meets the KKT
    conditions X_j.T (y - Xw) = lam*sign(w_j) where w_j != 0 and |X_j.T (y - Xw)| <= lam
    where w_j == 0, within 1e-6 * max(1, max|X.T y|). max_iter and tol bound the iterations,
    e.g. coordinate-descent sweeps, each update a soft threshold; reaching max_iter is not an
    error: return the weights reached by then (the tests call map_lasso with the defaults).
    Raises ValueError naming `lam` when lam < 0. Left open (not graded): a nan or infinite
    `lam` or entry of `X` or `y`, an X that is not 2-D, and X and y whose shapes do not match;
    refuse them with ValueError naming the argument, or let them through.
    """
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    lam = _as_scale(lam, "lam", allow_zero=True)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must be (n, d) and y (n,), got X {X.shape} and y {y.shape}")
    w = np.zeros(X.shape[1])
    if X.size == 0 or lam >= np.abs(X.T @ y).max():
        return w
    column_norms = np.sum(X**2, axis=0)
    residual = y.copy()
    for _ in range(max_iter):
        largest_step = 0.0
        for j in np.flatnonzero(column_norms):
            z_j = X[:, j] @ residual + column_norms[j] * w[j]
            w_j = float(soft_threshold(z_j, lam)) / column_norms[j]
            if w_j != w[j]:
                residual -= X[:, j] * (w_j - w[j])
                largest_step = max(largest_step, abs(w_j - w[j]))
                w[j] = w_j
        if largest_step <= tol:
            break
    return w
