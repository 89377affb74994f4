"""Stage 3: a Gaussian prior gives the L2 penalty.

With independent priors theta_i ~ N(0, 1/lam), the negative log-prior is
(lam/2) * ||theta||^2 plus a constant: MAP with this prior is L2-regularised MLE.
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


def _as_positive(value, name: str) -> float:
    """value as a float that is finite and strictly positive."""
    if not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def gaussian_log_prior(theta, lam) -> float:
    """Log density of theta under independent N(0, 1/lam) priors, as a float.

    -(lam/2) * sum(theta**2) + (d/2) * log(lam / (2*pi)), normalising constant included, with
    d = theta.size: theta has any shape, and a scalar is one parameter. Equals
    torch.distributions.Normal(0, lam**-0.5).log_prob(theta).sum().
    Raises ValueError naming `lam` when lam <= 0 or is not finite, and naming `theta` when
    an entry is nan or infinite.
    """
    ### BEGIN SOLUTION
    # Hint: sum the N(0, 1/lam) log densities of every entry of theta.
    theta = _as_finite_array(theta, "theta")
    lam = _as_positive(lam, "lam")
    return float(-(lam / 2) * np.sum(theta**2) + (theta.size / 2) * math.log(lam / (2 * math.pi)))
    ### END SOLUTION


def l2_penalty(theta, lam) -> float:
    """The L2 penalty (lam/2) * sum(theta**2), a float: the negative log-prior minus its constant.

    -gaussian_log_prior(theta, lam) == l2_penalty(theta, lam) + C(lam, d).
    Raises ValueError naming `lam` when lam <= 0 or is not finite, and naming `theta` when
    an entry is nan or infinite.
    """
    ### BEGIN SOLUTION
    # Hint: (lam/2) times the sum of squares.
    theta = _as_finite_array(theta, "theta")
    lam = _as_positive(lam, "lam")
    return float((lam / 2) * np.sum(theta**2))
    ### END SOLUTION


def map_ridge(X, y, noise_var, lam) -> np.ndarray:
    """MAP weights for y ~ N(Xw, noise_var I) and w ~ N(0, I/lam), an ndarray of shape (d,).

    The minimiser of ||y - Xw||^2 / (2*noise_var) + (lam/2)*||w||^2, which solves
    (X.T X + noise_var*lam*I) w = X.T y. X is (n, d), y is (n,); must work when d > n.
    Raises ValueError naming `lam` when lam <= 0, `noise_var` when noise_var <= 0, the
    argument holding a nan or infinite value, and `X` or `y` when their shapes do not match.
    Left open (not graded): an X that is not 2-D or a y that is not 1-D; refuse it with
    ValueError naming the argument, or let numpy fail.
    """
    ### BEGIN SOLUTION
    # Hint: solve the regularised normal equations; the prior adds noise_var*lam*I.
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    noise_var = _as_positive(noise_var, "noise_var")
    lam = _as_positive(lam, "lam")
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must be (n, d) and y (n,), got X {X.shape} and y {y.shape}")
    d = X.shape[1]
    return np.linalg.solve(X.T @ X + noise_var * lam * np.eye(d), X.T @ y)
    ### END SOLUTION
