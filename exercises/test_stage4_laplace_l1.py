"""Visible tests, stage 4: a Laplace prior gives the L1 penalty (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage4_laplace_l1 import l1_penalty, laplace_log_prior, map_lasso, soft_threshold

from mapcourse.checks import expect, expect_array, expect_close, expect_float

LASSO = "0.5*||y - Xw||^2 + lam*||w||_1"


@pytest.mark.parametrize(("theta", "b", "expected"), [
    ([0.0, 0.0], 1.0, -2 * math.log(2)), (2.0, 0.5, -4.0),
    ([1.0, -1.0, 0.0], 2.0, -1.0 - 3 * math.log(4)), ((-0.5, 1.5), 1.0, -2.0 - 2 * math.log(2)),
    ([1, 3], 2, -2.0 - 2 * math.log(4)),
], ids=["two zero weights", "a scalar is one parameter", "three weights", "a tuple",
        "integers"])
def test_laplace_log_prior_counts_minus_log_2b_once_per_parameter(theta, b, expected):
    call = f"laplace_log_prior({theta}, {b})"
    got = expect_float(laplace_log_prior(theta, b), call=call)
    expect_close(got, expected, call=call,
                 concept="-sum(|theta|)/b - d*log(2b): each parameter's density at theta is "
                         "exp(-|theta|/b) / (2b).")


def test_laplace_log_prior_equals_torch_laplace_log_prob():
    import torch  # loaded here only: it takes a few seconds

    theta = [0.4, -2.5, 1.0, 0.0]
    expected = torch.distributions.Laplace(0.0, 0.7).log_prob(
        torch.tensor(theta, dtype=torch.float64)).sum().item()
    expect_close(laplace_log_prior(theta, 0.7), expected, rel=1e-6,
                 call="laplace_log_prior([0.4, -2.5, 1.0, 0.0], 0.7)",
                 concept="The log prior is torch.distributions.Laplace(0, b).log_prob(theta)"
                         ".sum().")


@pytest.mark.parametrize(("theta", "lam", "expected"), [
    ([1.0, -2.0, 3.0], 0.5, 3.0), (-4.0, 0.25, 1.0), ([2.0, -1.0], 0.0, 0.0),
], ids=["absolute values, not squares", "a scalar", "lam 0 is no penalty"])
def test_the_l1_penalty_is_lam_times_the_sum_of_absolute_values(theta, lam, expected):
    call = f"l1_penalty({theta}, {lam})"
    got = expect_float(l1_penalty(theta, lam), call=call)
    expect_close(got, expected, call=call, concept="lam * sum(|theta|).")


def test_the_negative_log_prior_is_the_penalty_plus_d_log_2b():
    theta, b = [0.5, -3.0, 1.25], 0.4
    expect_close(-laplace_log_prior(theta, b) - l1_penalty(theta, 1 / b), 3 * math.log(2 * b),
                 call="-laplace_log_prior([0.5, -3.0, 1.25], 0.4) - l1_penalty(theta, 1/0.4)",
                 concept="With lam = 1/b, -log prior = lam*sum(|theta|) + d*log(2b): MAP with a "
                         "Laplace prior is L1-regularised MLE.")


@pytest.mark.parametrize(("z", "t", "expected"), [
    ([-2.0, -0.5, 0.5, 3.0], 1.0, [-1.0, 0.0, 0.0, 2.0]),
    ([0.25, -0.25, -0.75, 0.5], 0.25, [0.0, 0.0, -0.5, 0.25]),
    ([1.5, -2.0, 0.0], 0.0, [1.5, -2.0, 0.0]),
], ids=["shrinks by t and zeroes what is within t", "entries equal to t become zero",
        "t = 0 changes nothing"])
def test_soft_threshold_is_sign_z_times_the_clamped_shrinkage(z, t, expected):
    expect_array(soft_threshold(z, t), expected, exact=True, call=f"soft_threshold({z}, {t})",
                 concept="sign(z) * max(|z| - t, 0): every entry moves t toward zero, keeps its "
                         "sign, and entries within t of zero become exactly 0.0.")


@pytest.mark.parametrize("t", [-1.0, -1e-9], ids=["minus one", "slightly below zero"])
def test_soft_threshold_refuses_a_negative_threshold(refuses, t):
    refuses(soft_threshold, [1.0, -2.0], t, names="t",
            concept="A threshold is a distance: t must be >= 0.")


def regression(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded data whose columns have different norms, and two active weights."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.3, 3.0, size=d)
    w = np.zeros(d)
    w[:2] = [2.0, -1.5]
    return X, X @ w + 0.3 * rng.normal(size=n)


def expect_lasso_optimum(w, X, y, lam, *, call):
    """w is a float64 (d,) array meeting the lasso's optimality (KKT) conditions."""
    d = X.shape[1]
    expect(isinstance(w, np.ndarray) and w.dtype == np.float64 and w.shape == (d,),
           f"{call} returned {w!r}; expected a float64 numpy array of shape ({d},).")
    correlation = X.T @ (y - X @ w)
    tolerance = 1e-6 * max(1.0, float(np.abs(X.T @ y).max()))
    for j in range(d):
        if w[j] != 0:
            met = abs(correlation[j] - lam * np.sign(w[j])) <= tolerance
            condition = f"X_{j}.T (y - Xw) = lam*sign(w[{j}]) = {lam * np.sign(w[j]):.6g}"
        else:
            met = abs(correlation[j]) <= lam + tolerance
            condition = f"|X_{j}.T (y - Xw)| <= lam = {lam:.6g}"
        expect(bool(met),
               f"{call} returned {w.tolist()}, which does not minimise {LASSO}: with w[{j}] = "
               f"{w[j]!r} the optimum needs {condition}, but X_{j}.T (y - Xw) is "
               f"{correlation[j]:.6g}. Each coordinate update is soft_threshold(z_j, lam) / "
               "||X_j||^2; a weight that should be zero must be exactly 0.0.")


@pytest.mark.parametrize(("seed", "n", "d", "fraction"), [
    (21, 20, 4, 0.3), (22, 30, 5, 0.05), (23, 5, 8, 0.2),
], ids=["more rows than columns", "a small lambda", "more columns than rows (d > n)"])
def test_map_lasso_meets_the_optimality_conditions(seed, n, d, fraction):
    X, y = regression(seed, n, d)
    lam = fraction * float(np.abs(X.T @ y).max())
    expect_lasso_optimum(map_lasso(X, y, lam), X, y, lam,
                         call=f"map_lasso(X, y, {lam:.6g}) with X of shape {X.shape}")


def test_lasso_on_the_identity_design_keeps_only_the_large_weight():
    expect_array(map_lasso(np.eye(2), np.array([3.0, 0.5]), 1.0), [2.0, 0.0], rtol=1e-6,
                 call="map_lasso(np.eye(2), [3.0, 0.5], 1.0)",
                 concept="With X = I the lasso soft-thresholds y: 3 shrinks to 2, 0.5 to 0.")


def test_lasso_with_one_example_and_one_feature_is_a_scaled_soft_threshold():
    expect_array(map_lasso([[2.0]], [3.0], 1.0), [1.25], rtol=1e-6,
                 call="map_lasso([[2.0]], [3.0], 1.0)",
                 concept="One coordinate: w = soft_threshold(x*y, lam) / x**2 = (6 - 1) / 4.")


@pytest.mark.parametrize("factor", [1.01, 10.0], ids=["just above lambda_max", "far above"])
def test_lambda_above_the_largest_correlation_gives_exactly_zero_weights(factor):
    X, y = regression(24, 10, 3)
    lam = factor * float(np.abs(X.T @ y).max())
    expect_array(map_lasso(X, y, lam), np.zeros(3), exact=True,
                 call=f"map_lasso(X, y, {lam:.6g}) with max|X.T y| = {lam / factor:.6g}",
                 concept="For lam >= max|X.T y| the zero vector meets the optimality "
                         "conditions: every weight is exactly 0.0.")


def test_map_lasso_with_lambda_zero_is_least_squares():
    X, y = regression(25, 12, 3)
    expect_array(map_lasso(X.tolist(), y.tolist(), 0.0), np.linalg.lstsq(X, y)[0], rtol=1e-5,
                 atol=1e-6, call="map_lasso(X.tolist(), y.tolist(), 0.0) with X of shape (12, 3)",
                 concept="With lam = 0 there is no penalty: the answer is least squares.")


def test_map_lasso_refuses_a_negative_lambda(refuses):
    X, y = regression(26, 6, 2)
    refuses(map_lasso, X, y, -0.5, names="lam", call="map_lasso(X, y, -0.5)",
            concept="lam is the Laplace prior's 1/b: it must be >= 0.")
