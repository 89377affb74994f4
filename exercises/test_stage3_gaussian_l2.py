"""Visible tests, stage 3: a Gaussian prior gives the L2 penalty (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage3_gaussian_l2 import gaussian_log_prior, l2_penalty, map_ridge

from mapcourse.checks import expect, expect_array, expect_close, expect_float

RIDGE = ("The MAP weights solve (X.T X + noise_var*lam*I) w = X.T y: multiplying the gradient "
         "of ||y - Xw||^2/(2*noise_var) + (lam/2)*||w||^2 by noise_var puts noise_var*lam, not "
         "lam, on the diagonal.")


def log_prior(theta, lam):
    """The contract: -(lam/2)*sum(theta**2) + (d/2)*log(lam/(2*pi)), d counting every entry."""
    theta = np.asarray(theta, dtype=float)
    return -(lam / 2) * float(np.sum(theta**2)) + theta.size / 2 * math.log(lam / (2 * math.pi))


@pytest.mark.parametrize(("theta", "lam"), [
    (0.0, 1.0), (1.0, 2.0), ([1.0, -1.0, 0.5], 0.5), ([[1.0, 0.0], [0.0, -1.0]], 3.0),
    ([0.5, 2.0], 4),
], ids=["zero under N(0, 1) is the constant alone", "a scalar is one parameter", "a vector",
        "a 2x2 matrix counts four parameters", "an integer lam"])
def test_gaussian_log_prior_is_the_log_density_of_independent_normals(theta, lam):
    call = f"gaussian_log_prior({theta}, {lam})"
    got = expect_float(gaussian_log_prior(theta, lam), call=call)
    expect_close(got, log_prior(theta, lam), rel=1e-6, abs_tol=1e-6, call=call,
                 concept="-(lam/2)*sum(theta**2) + (d/2)*log(lam/(2*pi)): lam is the precision "
                         "(variance 1/lam), the constant stays, and d counts every entry.")


def test_gaussian_log_prior_equals_torch_normal_log_prob():
    import torch  # loaded here only: it takes a few seconds

    theta = [0.3, -1.2, 2.0]
    expected = torch.distributions.Normal(0.0, 0.8**-0.5).log_prob(
        torch.tensor(theta, dtype=torch.float64)).sum().item()
    expect_close(gaussian_log_prior(theta, 0.8), expected, rel=1e-6,
                 call="gaussian_log_prior([0.3, -1.2, 2.0], 0.8)",
                 concept="The log prior is torch.distributions.Normal(0, lam**-0.5)"
                         ".log_prob(theta).sum().")


@pytest.mark.parametrize(("theta", "lam", "expected"), [
    ([3.0, 4.0], 2.0, 25.0), (-3.0, 1.0, 4.5), ([[1.0, 2.0], [3.0, 4.0]], 0.5, 7.5),
], ids=["three four under lam 2", "a scalar", "a matrix"])
def test_the_l2_penalty_is_half_lam_times_the_sum_of_squares(theta, lam, expected):
    call = f"l2_penalty({theta}, {lam})"
    got = expect_float(l2_penalty(theta, lam), call=call)
    expect_close(got, expected, call=call,
                 concept="(lam/2) * sum(theta**2): the 1/2 comes from the Gaussian's exponent.")


def test_the_negative_log_prior_is_the_penalty_plus_a_constant():
    theta, lam = [0.5, -2.0, 1.5], 1.5
    call = "-gaussian_log_prior([0.5, -2.0, 1.5], 1.5) - l2_penalty([0.5, -2.0, 1.5], 1.5)"
    expect_close(-gaussian_log_prior(theta, lam) - l2_penalty(theta, lam),
                 1.5 * math.log(2 * math.pi / lam), rel=1e-6, abs_tol=1e-6, call=call,
                 concept="-log prior = (lam/2)*||theta||^2 + (d/2)*log(2*pi/lam): MAP with a "
                         "Gaussian prior is L2-regularised MLE.")


@pytest.mark.parametrize("function", [gaussian_log_prior, l2_penalty],
                         ids=["the log prior", "the penalty"])
@pytest.mark.parametrize(("theta", "lam", "name"), [
    ([2.0], 0.0, "lam"), ([2.0], -1.0, "lam"), ([2.0], math.nan, "lam"), ([2.0], math.inf, "lam"),
    ([math.nan, 1.0], 1.0, "theta"), (-math.inf, 1.0, "theta"),
], ids=["lam 0", "negative lam", "nan lam", "infinite lam", "a nan entry", "minus infinity"])
def test_prior_and_penalty_refuse_an_invalid_lam_or_theta(refuses, function, theta, lam, name):
    refuses(function, theta, lam, names=name,
            concept="lam is a precision (1/variance), a finite number > 0; theta must be "
                    "finite. Raise instead of returning nan or inf.")


def expect_map_weights(X, y, noise_var, lam, *, call):
    """map_ridge's answer is a float64 (d,) array solving the regularised normal equations."""
    X_array, y_array = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    d = X_array.shape[1]
    w = map_ridge(X, y, noise_var, lam)
    expect(isinstance(w, np.ndarray) and w.dtype == np.float64 and w.shape == (d,),
           f"{call} returned {w!r}; expected a float64 numpy array of shape ({d},), one weight "
           "per column of X.")
    correlation = X_array.T @ y_array
    residual = (X_array.T @ X_array + noise_var * lam * np.eye(d)) @ w - correlation
    expect(bool(np.all(np.abs(residual) <= 1e-9 * max(1.0, float(np.abs(correlation).max())))),
           f"{call} returned {w.tolist()}, for which (X.T X + noise_var*lam*I) w - X.T y is "
           f"{residual.tolist()}, not 0. {RIDGE}")


def test_ridge_with_an_identity_design_shrinks_y():
    expect_array(map_ridge([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0], 3.0, 1.0), [0.25, 0.5],
                 call="map_ridge([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0], 3.0, 1.0)",
                 concept="With X = I, w = y / (1 + noise_var*lam) = y / 4.")


@pytest.mark.parametrize(("noise_var", "lam"), [(1.0, 0.5), (2.5, 0.4), (0.2, 10.0)],
                         ids=["unit noise", "noise_var and lam both count", "a strong prior"])
def test_ridge_solves_the_regularised_normal_equations(noise_var, lam):
    X = [[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [1.0, 1.0]]
    y = [3.0, -0.5, 2.0, 2.5]
    expect_map_weights(X, y, noise_var, lam, call=f"map_ridge(X, y, {noise_var}, {lam}) with "
                                                  "X of shape (4, 2)")


def test_ridge_works_with_more_features_than_examples():
    rng = np.random.default_rng(11)
    X, y = rng.normal(size=(2, 5)), rng.normal(size=2)
    expect_map_weights(X, y, 0.5, 1.0,
                       call="map_ridge(X, y, 0.5, 1.0) with X of shape (2, 5)")


@pytest.mark.parametrize(("X", "y", "noise_var", "lam", "names"), [
    ([[1.0], [3.0]], [1.0, 2.0], 1.0, 0.0, "lam"),
    ([[1.0], [3.0]], [1.0, 2.0], 1.0, -2.0, "lam"),
    ([[1.0], [3.0]], [1.0, 2.0], 0.0, 1.0, "noise_var"),
    ([[1.0], [3.0]], [1.0, 2.0], -1.0, 1.0, "noise_var"),
    ([[math.inf], [3.0]], [1.0, 2.0], 1.0, 1.0, "X"),
    ([[1.0], [3.0]], [math.nan, 2.0], 1.0, 1.0, "y"),
    ([[1.0], [3.0], [2.0]], [1.0, 2.0], 1.0, 1.0, ("X", "y")),
], ids=["lam 0", "negative lam", "noise_var 0", "negative noise_var", "infinity in X",
        "nan in y", "more rows in X than entries in y"])
def test_ridge_refuses_invalid_arguments(refuses, X, y, noise_var, lam, names):
    refuses(map_ridge, X, y, noise_var, lam, names=names,
            concept="noise_var and lam are a variance and a precision: finite and > 0; X (n, d) "
                    "and y (n,) must be finite and have the same n.")
