"""Hidden suite, stage 3: a Gaussian prior gives the L2 penalty (10 points)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mapcourse.checks import (
    expect,
    expect_array,
    expect_close,
    expect_float,
    expect_raises,
    show,
)
from mapcourse.reference import reference

solution = reference("stage3_gaussian_l2")

SHAPES = [(), (1,), (3,), (7,), (2, 3), (2, 2, 2)]
LAMS = [0.01, 0.5, 1.0, 2.0, 40.0]
RIDGE = ("The MAP weights solve (X.T X + noise_var*lam*I) w = X.T y: multiplying the gradient "
         "of ||y - Xw||^2/(2*noise_var) + (lam/2)*||w||^2 by noise_var puts noise_var*lam, "
         "not lam, on the diagonal.")


def short(value):
    """A call argument as a student would read it: small values in full, arrays by shape."""
    if isinstance(value, np.ndarray):
        return repr(value.tolist()) if value.size <= 3 else f"<array of shape {value.shape}>"
    return repr(value)


def log_prior_tolerance(theta, lam):
    """1e-6 of the terms' size: tight for the maths, loose enough for float32 torch."""
    terms = lam / 2 * float(np.sum(np.square(theta))) + np.size(theta) / 2 * abs(
        math.log(lam / (2 * math.pi)))
    return 1e-6 * max(terms, 1e-6)


def torch_log_prior(theta, lam):
    """The contract's definition: Normal(0, lam**-0.5).log_prob(theta).sum(), in float64."""
    values = torch.as_tensor(np.asarray(theta, dtype=float), dtype=torch.float64)
    normal = torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64), lam**-0.5)
    return float(normal.log_prob(values).sum())


@st.composite
def thetas(draw):
    """A theta of one of SHAPES (shape () is a Python float) with moderate entries."""
    shape = draw(st.sampled_from(SHAPES))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    theta = rng.normal(scale=draw(st.sampled_from([0.1, 1.0, 5.0])), size=shape)
    return float(theta) if shape == () else theta


@st.composite
def regressions(draw, wide=False):
    """(X, y, noise_var, lam) with X (n, d), seeded; wide makes d > n."""
    n = draw(st.integers(1, 4 if wide else 8))
    d = draw(st.integers(n + 1, n + 6)) if wide else draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + rng.normal(scale=0.5, size=n)
    return X, y, draw(st.sampled_from([0.25, 1.0, 3.5])), draw(st.sampled_from([0.1, 1.0, 10.0]))


@pytest.mark.points(2)
@pytest.mark.parametrize(("theta", "lam"), [
    (0.0, 1.0), (1.5, 4.0), (-2.0, 0.25), ([0.5, -1.0, 2.0], 0.3),
    ([[0.1, 0.2, -0.3], [1.0, 0.0, -2.0]], 2.0), (np.linspace(-3, 3, 50), 1.7), ([0.3, 0.4], 3),
], ids=["zero with unit precision", "a scalar is one parameter", "a negative scalar",
        "a vector", "a 2x3 matrix counts 6 parameters", "fifty parameters",
        "an integer lam"])
def test_gaussian_log_prior_matches_torch_normal_log_prob(student, theta, lam):
    call = f"gaussian_log_prior({short(theta)}, {lam!r})"
    got = student.gaussian_log_prior(theta, lam)
    expect_float(got, call=call)
    expect_close(got, torch_log_prior(theta, lam), rel=0.0,
                 abs_tol=log_prior_tolerance(theta, lam), call=call,
                 concept="The log density of d independent N(0, 1/lam) is "
                         "-(lam/2)*sum(theta**2) + (d/2)*log(lam/(2*pi)), the same as "
                         "torch.distributions.Normal(0, lam**-0.5).log_prob(theta).sum(); d "
                         "counts every entry (a scalar is one parameter), and the variance is "
                         "1/lam, not lam.")


@pytest.mark.points(1)
@given(theta=thetas(), lam=st.sampled_from(LAMS))
@settings(max_examples=20)
def test_l2_penalty_is_half_lam_times_the_sum_of_squares(student, theta, lam):
    call = f"l2_penalty({short(theta)}, {lam!r})"
    got = student.l2_penalty(theta, lam)
    expect_float(got, call=call)
    expected = lam / 2 * float(np.sum(np.square(theta)))
    expect_close(got, expected, rel=1e-9, abs_tol=1e-12, call=call,
                 concept="The L2 penalty is (lam/2) * sum(theta**2): the factor 1/2 comes from "
                         "the Gaussian's exponent.")


@pytest.mark.points(1)
@given(theta=thetas(), lam=st.sampled_from(LAMS))
@settings(max_examples=20)
def test_negative_log_prior_is_the_penalty_plus_a_constant(student, theta, lam):
    d = np.size(theta)
    constant = (d / 2) * math.log(2 * math.pi / lam)
    log_prior = student.gaussian_log_prior(theta, lam)
    penalty = student.l2_penalty(theta, lam)
    call = f"-gaussian_log_prior({short(theta)}, {lam!r}) - l2_penalty({short(theta)}, {lam!r})"
    expect_float(log_prior, call=f"gaussian_log_prior({short(theta)}, {lam!r})")
    expect_float(penalty, call=f"l2_penalty({short(theta)}, {lam!r})")
    expect_close(-log_prior - penalty, constant, rel=0.0,
                 abs_tol=log_prior_tolerance(theta, lam),
                 call=call,
                 concept="-log prior = (lam/2)*||theta||^2 + (d/2)*log(2*pi/lam): the penalty "
                         "plus a constant that depends on lam and d only, so MAP with a "
                         "Gaussian prior is L2-regularised MLE.")


@pytest.mark.points(1)
@pytest.mark.parametrize(("function", "theta", "lam", "name"), [
    ("gaussian_log_prior", [1.0], 0.0, "lam"),
    ("gaussian_log_prior", [1.0], -2.0, "lam"),
    ("gaussian_log_prior", [1.0], math.nan, "lam"),
    ("gaussian_log_prior", [1.0], math.inf, "lam"),
    ("gaussian_log_prior", [1.0, math.nan], 1.0, "theta"),
    ("gaussian_log_prior", math.inf, 1.0, "theta"),
    ("l2_penalty", [1.0], -0.5, "lam"),
    ("l2_penalty", [1.0], math.nan, "lam"),
    ("l2_penalty", [0.5, -math.inf], 1.0, "theta"),
    ("l2_penalty", math.nan, 1.0, "theta"),
], ids=["log prior with lam 0", "log prior with negative lam", "log prior with nan lam",
        "log prior with infinite lam", "log prior of a nan entry", "log prior of infinity",
        "penalty with negative lam", "penalty with nan lam", "penalty of an infinite entry",
        "penalty of nan"])
def test_prior_and_penalty_refuse_invalid_lam_and_theta(student, function, theta, lam, name):
    expect_raises(ValueError, lambda: getattr(student, function)(theta, lam),
                  call=f"{function}({theta!r}, {lam!r})", names=name,
                  concept="lam is a precision (1/variance): a finite number > 0; theta must be "
                          "finite. Raise instead of returning nan or inf.")


def weights_of(got, d, call):
    """The student's weights as a float64 array of shape (d,)."""
    expect(isinstance(got, np.ndarray) and got.dtype == np.float64 and got.shape == (d,),
           f"{call} returned {show(got)}; expected a float64 numpy array of shape ({d},), "
           "one weight per column of X.")
    return got


def many_examples():
    """(X, y, noise_var, lam) with 300 examples: more rows than a small-integer cache holds."""
    rng = np.random.default_rng(4)
    return rng.normal(size=(300, 3)), rng.normal(size=300), 0.5, 2.0


@pytest.mark.points(2)
@given(case=regressions())
@example(case=many_examples())
@example(case=([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0], 2.0, 0.5))
@example(case=([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], [1.0, 0.0, 2.0, 1.0], 4.0, 3.0))
@settings(max_examples=15)
def test_map_ridge_solves_the_regularised_normal_equations(student, case):
    X, y, noise_var, lam = case
    X_array, y_array = np.asarray(X), np.asarray(y)
    prior_term = noise_var * lam * np.eye(X_array.shape[1])
    expected = np.linalg.solve(X_array.T @ X_array + prior_term, X_array.T @ y_array)
    call = f"map_ridge({short(X)}, {short(y)}, {noise_var!r}, {lam!r})"
    expect_array(student.map_ridge(X, y, noise_var, lam), expected, rtol=1e-7, atol=1e-10,
                 call=call, concept=RIDGE)


@pytest.mark.points(1)
@pytest.mark.parametrize(("n", "d", "seed"), [(1, 2, 0), (3, 8, 1), (5, 40, 2)],
                         ids=["one example, two features", "three examples, eight features",
                              "five examples, forty features"])
def test_map_ridge_works_with_more_features_than_examples(student, n, d, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    noise_var, lam = 0.5, 2.0
    expected = X.T @ np.linalg.solve(X @ X.T + noise_var * lam * np.eye(n), y)
    expect_array(student.map_ridge(X, y, noise_var, lam), expected, rtol=1e-7, atol=1e-10,
                 call=f"map_ridge(<X of shape {(n, d)}>, <y of shape {(n,)}>, 0.5, 2.0)",
                 concept="With d > n, X.T X is singular, but X.T X + noise_var*lam*I is not: "
                         "solve the regularised system (never invert X.T X alone).")


@pytest.mark.points(1)
@given(case=regressions() | regressions(wide=True))
@settings(max_examples=15)
def test_map_ridge_zeroes_the_gradient_of_the_map_objective(student, case):
    X, y, noise_var, lam = case
    call = f"map_ridge({short(X)}, {short(y)}, {noise_var!r}, {lam!r})"
    w = weights_of(student.map_ridge(X, y, noise_var, lam), X.shape[1], call)
    gradient = X.T @ (X @ w - y) / noise_var + lam * w
    scale = max(1.0, float(np.abs(X.T @ y).max()) / noise_var)
    expect(bool(np.all(np.abs(gradient) <= 1e-8 * scale)),
           f"{call} returned {w.tolist()!r}, where the gradient of "
           f"||y - Xw||^2/(2*noise_var) + (lam/2)*||w||^2 is {gradient.tolist()!r}, not 0. "
           f"{RIDGE}")


@pytest.mark.points(1)
@pytest.mark.parametrize(("X", "y", "noise_var", "lam", "names"), [
    ([[1.0], [2.0]], [1.0, 2.0], 1.0, 0.0, "lam"),
    ([[1.0], [2.0]], [1.0, 2.0], 1.0, -1.0, "lam"),
    ([[1.0], [2.0]], [1.0, 2.0], 1.0, math.nan, "lam"),
    ([[1.0], [2.0]], [1.0, 2.0], 0.0, 1.0, "noise_var"),
    ([[1.0], [2.0]], [1.0, 2.0], -3.0, 1.0, "noise_var"),
    ([[1.0], [2.0]], [1.0, 2.0], math.inf, 1.0, "noise_var"),
    ([[1.0], [math.nan]], [1.0, 2.0], 1.0, 1.0, "X"),
    ([[1.0], [2.0]], [math.inf, 2.0], 1.0, 1.0, "y"),
    ([[1.0], [2.0]], [1.0, 2.0, 3.0], 1.0, 1.0, ("X", "y")),
    ([[1.0, 0.0], [2.0, 1.0], [0.0, 1.0]], [1.0, 2.0], 1.0, 1.0, ("X", "y")),
], ids=["lam 0", "negative lam", "nan lam", "noise_var 0", "negative noise_var",
        "infinite noise_var", "nan in X", "infinity in y", "y longer than X",
        "y shorter than X"])
def test_map_ridge_refuses_invalid_arguments(student, X, y, noise_var, lam, names):
    expect_raises(ValueError, lambda: student.map_ridge(X, y, noise_var, lam),
                  call=f"map_ridge({X!r}, {y!r}, {noise_var!r}, {lam!r})", names=names,
                  concept="noise_var and lam are a variance and a precision: finite and > 0; X "
                          "(n, d) and y (n,) must be finite and have the same n.")
