"""Hidden suite, stage 4: a Laplace prior gives the L1 penalty (10 points)."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from mapcourse.checks import (
    expect,
    expect_array,
    expect_close,
    expect_float,
    expect_raises,
    fail,
    show,
)
from mapcourse.reference import reference

solution = reference("stage4_laplace_l1")

thetas = st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=10)
scales = st.floats(0.01, 100)
# A failing example is reported as found: shrinking it would call slow wrong code hundreds of times.
NO_SHRINKING = (Phase.explicit, Phase.reuse, Phase.generate)
LASSO = "0.5*||y - Xw||^2 + lam*||w||_1"
SOFT = ("Soft thresholding, sign(z) * max(|z| - t, 0), sets every weight whose correlation "
        "stays within lam of zero to exactly 0.0")


def lasso_problem(seed: int, n: int, d: int, fraction: float) -> tuple[np.ndarray, np.ndarray,
                                                                        float]:
    """A seeded sparse regression (X, y) and lam = fraction * max|X.T y|."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.zeros(d)
    active = rng.choice(d, 3, replace=False)
    w[active] = rng.choice([-1.0, 1.0], 3) * rng.uniform(1, 3, 3)
    y = X @ w + 0.5 * rng.normal(size=n)
    return X, y, fraction * float(np.abs(X.T @ y).max())


def kkt_tolerance(X: np.ndarray, y: np.ndarray) -> float:
    """The contract's tolerance on the optimality conditions: 1e-6 * max(1, max|X.T y|)."""
    return 1e-6 * max(1.0, float(np.abs(X.T @ y).max()))


def kkt_gaps(X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray) -> np.ndarray:
    """Per coordinate, how far w is from the lasso's optimality conditions."""
    correlation = X.T @ (y - X @ w)
    return np.where(w != 0, np.abs(correlation - lam * np.sign(w)),
                    np.maximum(np.abs(correlation) - lam, 0.0))


def expect_weights(got: object, d: int, *, call: str) -> np.ndarray:
    """got is a finite float64 ndarray of shape (d,)."""
    expect(isinstance(got, np.ndarray) and got.dtype.name == "float64" and got.shape == (d,),
           f"{call} returned {show(got)}; expected a numpy float64 array of shape ({d},), "
           "one weight per column of X.")
    expect(bool(np.isfinite(got).all()), f"{call} returned {show(got)}; expected finite weights.")
    return got


def expect_lasso_optimum(got: object, X: np.ndarray, y: np.ndarray, lam: float, *,
                         call: str) -> np.ndarray:
    """got satisfies the lasso's KKT conditions within 1e-6 * max(1, max|X.T y|)."""
    w = expect_weights(got, X.shape[1], call=call)
    tolerance = kkt_tolerance(X, y)
    gaps = kkt_gaps(X, y, lam, w)
    if gaps.max() <= tolerance:
        return w
    correlation = X.T @ (y - X @ w)
    tiny = (w != 0) & (np.abs(correlation) < lam - tolerance) & (np.abs(w) < 1e-6)
    if tiny.any():
        j = int(np.flatnonzero(tiny)[0])
        fail(f"{call} returned {show(w)}: w[{j}] = {float(w[j])!r} is tiny but not exactly "
             f"0.0, while |X_{j}.T (y - Xw)| = {abs(correlation[j]):.6g} is below lam = "
             f"{lam:.6g}, so the optimum has w[{j}] == 0.0. {SOFT}; a (sub)gradient step alone "
             "never lands on exactly zero.")
    for factor, wording in ((2.0, "twice"), (0.5, "half")):
        if kkt_gaps(X, y, factor * lam, w).max() <= tolerance:
            fail(f"{call} returned {show(w)}, the minimiser for {wording} the given lam. The "
                 f"objective is {LASSO}: with the 0.5 on the squared error the soft threshold "
                 "of each coordinate update is lam itself, not lam/2 or 2*lam.")
    j = int(np.argmax(gaps))
    condition = (f"X_{j}.T (y - Xw) should equal lam*sign(w[{j}]) = {lam * np.sign(w[j]):.6g}"
                 if w[j] != 0 else f"|X_{j}.T (y - Xw)| should be at most lam = {lam:.6g}")
    fail(f"{call} returned {show(w)}, which does not minimise {LASSO}: with w[{j}] = "
         f"{float(w[j])!r}, {condition}, but it is {correlation[j]:.6g}. Each coordinate "
         "update is a soft threshold, w_j = soft_threshold(z_j, lam) / ||X_j||^2, repeated "
         "until no weight moves; a plain (sub)gradient step never settles on the optimum.")


@pytest.mark.points(1)
@settings(max_examples=20, phases=NO_SHRINKING)
@given(theta=thetas, b=scales)
def test_laplace_log_prior_is_torch_laplace_log_prob_summed(student, theta, b):
    import torch  # loaded only here: the cross-check needs it, and it takes seconds to load

    expected = torch.distributions.Laplace(torch.tensor(0.0, dtype=torch.float64),
                                           torch.tensor(b, dtype=torch.float64)).log_prob(
        torch.tensor(theta, dtype=torch.float64)).sum().item()
    call = f"laplace_log_prior({theta}, {b})"
    got = expect_float(student.laplace_log_prior(theta, b), call=call)
    scale = sum(abs(value) for value in theta) / b + len(theta) * abs(math.log(2 * b))
    expect_close(got, expected, rel=1e-9, abs_tol=1e-12 * max(1.0, scale), call=call,
                 concept="The Laplace(0, b) log density of one parameter is -|theta|/b - "
                         "log(2b); d independent parameters add d of these, exactly like "
                         "torch.distributions.Laplace(0, b).log_prob(theta).sum().")


@pytest.mark.points(1)
@pytest.mark.parametrize(("theta", "b", "expected"), [
    (0.0, 1.0, -math.log(2)), (-3.0, 0.5, -6.0), ([0.0, 0.0, 0.0], 2.0, -3 * math.log(4)),
    ((1.0, -2.0), 1.0, -3 - 2 * math.log(2)),
    (np.array([0.5, -0.5, 2.0, 0.0]), 0.25, -12 + 4 * math.log(2)),
    ([1, 2], 1, -3 - 2 * math.log(2)),
], ids=["a scalar is one parameter", "scalar with b below one half", "zeros in a list",
        "a tuple", "a numpy array", "integers"])
def test_laplace_log_prior_counts_log_2b_once_per_parameter(student, theta, b, expected):
    call = f"laplace_log_prior({show(theta)}, {b})"
    got = expect_float(student.laplace_log_prior(theta, b), call=call)
    expect_close(got, expected, rel=1e-12, call=call,
                 concept="The normalising constant -log(2b) belongs to every parameter: a "
                         "scalar theta is one parameter, a list of d values adds -d*log(2b).")


@pytest.mark.points(1)
@settings(max_examples=20, phases=NO_SHRINKING)
@given(theta=thetas, b=scales)
def test_l1_penalty_is_the_negative_log_prior_without_its_constant(student, theta, b):
    d = len(theta)
    expected = -solution.laplace_log_prior(theta, b) - d * math.log(2 * b)
    call = f"l1_penalty({theta}, 1/{b})"
    got = expect_float(student.l1_penalty(theta, 1 / b), call=call)
    expect_close(got, expected, rel=1e-9, abs_tol=1e-9 * (1 + d * abs(math.log(2 * b))),
                 call=call,
                 concept="l1_penalty(theta, lam) is lam * sum(|theta|); with lam = 1/b it is "
                         "the Laplace negative log-prior minus its constant d*log(2b).")
    for lam in (0.0, 2.5):
        call = f"l1_penalty({theta}, {lam})"
        got = expect_float(student.l1_penalty(theta, lam), call=call)
        expect_close(got, lam * math.fsum(abs(value) for value in theta), rel=1e-12, call=call,
                     concept="The L1 penalty is lam * sum(|theta|): absolute values, not "
                             "squares.")


@pytest.mark.points(1)
@settings(max_examples=25, phases=NO_SHRINKING)
@given(z=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=12),
       t=st.floats(0, 1e3))
def test_soft_threshold_shrinks_each_entry_toward_zero_by_t(student, z, t):
    expected = solution.soft_threshold(z, t)
    expect_array(student.soft_threshold(z, t), expected, rtol=1e-12, atol=1e-12,
                 call=f"soft_threshold({z}, {t})",
                 concept="soft_threshold moves every entry t closer to zero and keeps its "
                         "sign: sign(z) * max(|z| - t, 0), elementwise, as a float64 array.")


@pytest.mark.points(1)
@pytest.mark.parametrize(("z", "t", "expected"), [
    ([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0], 1.0, [-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]),
    ([0.1, -0.1, 0.25, -0.375], 0.1, [0.0, 0.0, 0.15, -0.275]),
    ([1.5, -2.0, 0.0], 0.0, [1.5, -2.0, 0.0]),
    (np.array([3.0, -1e-300, 7.5]), 1e6, [0.0, 0.0, 0.0]),
], ids=["inside, on and beyond t = 1", "entries equal to t", "t = 0 changes nothing",
        "a huge t zeroes everything"])
def test_soft_threshold_is_exactly_zero_within_t_and_needs_t_at_least_zero(student, z, t,
                                                                            expected):
    expected = np.array(expected)
    inside = np.abs(np.asarray(z)) <= t
    call = f"soft_threshold({show(z)}, {t})"
    got = expect_array(student.soft_threshold(z, t), expected, rtol=1e-12, call=call,
                       concept="soft_threshold is sign(z) * max(|z| - t, 0).")
    expect_array(np.where(inside, got, 0.0), np.zeros_like(expected), exact=True, call=call,
                 concept="Wherever |z| <= t the answer is exactly 0.0 (np.maximum(|z| - t, 0) "
                         "clamps it), not a tiny number: that is how the lasso gets sparse.")
    for bad in (-1.0, -1e-12):
        expect_raises(ValueError, lambda t=bad: student.soft_threshold(z, t),
                      call=f"soft_threshold({show(z)}, {bad})", names="t",
                      concept="A threshold is a distance: t must be >= 0.")


LASSO_PROBLEMS = {
    "more rows than columns": ((1, 30, 6, 0.1), False),
    "a moderate lambda": ((7, 20, 5, 0.5), False),
    "lambda just below lambda_max": ((5, 30, 6, 0.999), False),
    "more columns than rows (d > n)": ((3, 8, 12, 0.1), False),
    "d > n with few active weights": ((12, 10, 15, 0.15), False),
    "lists as input": ((2, 30, 6, 0.3), True),
    "many rows": ((9, 300, 5, 0.2), False),
    "one example, one feature": ((np.array([[2.0]]), np.array([3.0]), 1.0), False),
}


@pytest.mark.points(2)
@pytest.mark.parametrize(("problem", "as_lists"), LASSO_PROBLEMS.values(), ids=LASSO_PROBLEMS)
def test_map_lasso_satisfies_the_optimality_conditions(student, problem, as_lists):
    X, y, lam = problem if len(problem) == 3 else lasso_problem(*problem)
    call = f"map_lasso(X, y, {lam:.6g}) with X of shape {X.shape}"
    if as_lists:
        call = f"map_lasso(X.tolist(), y.tolist(), {lam:.6g}) with X of shape {X.shape}"
        got = student.map_lasso(X.tolist(), y.tolist(), lam)
    else:
        got = student.map_lasso(X, y, lam)
    w = expect_lasso_optimum(got, X, y, lam, call=call)
    n, d = X.shape
    if n >= d:
        smallest_curvature = float(np.linalg.eigvalsh(X.T @ X)[0])
        distance = 2 * math.sqrt(d) * kkt_tolerance(X, y) / smallest_curvature
        expect_array(w, solution.map_lasso(X, y, lam), rtol=0, atol=distance, call=call,
                     concept=f"With X of full column rank, {LASSO} has one minimiser.")


@pytest.mark.points(1)
@settings(max_examples=15, phases=NO_SHRINKING)
@given(seed=st.integers(0, 2**32 - 1), fraction=st.floats(0.05, 0.95),
       size=st.sampled_from([0.1, 1.0, 10.0]))
def test_map_lasso_with_orthonormal_columns_is_a_soft_threshold(student, seed, fraction,
                                                                 size):
    rng = np.random.default_rng(seed)
    X = np.linalg.qr(rng.normal(size=(8, 4)))[0]
    y = size * rng.normal(size=8)
    correlation = X.T @ y
    lam = fraction * float(np.abs(correlation).max())
    call = f"map_lasso(X, y, {lam:.6g}) with orthonormal columns X of shape {X.shape}"
    w = expect_lasso_optimum(student.map_lasso(X, y, lam), X, y, lam, call=call)
    tolerance = kkt_tolerance(X, y)
    inactive = np.abs(correlation) < lam - max(100 * tolerance, 1e-3 * lam)
    expect_array(np.where(inactive, w, 0.0), np.zeros(4), exact=True, call=call,
                 concept=f"With orthonormal columns the lasso is the soft threshold of X.T y. "
                         f"{SOFT}.")
    expect_array(w, solution.soft_threshold(correlation, lam), rtol=0, atol=4 * tolerance,
                 call=call,
                 concept="With orthonormal columns the lasso is soft_threshold(X.T @ y, lam).")


@pytest.mark.points(1)
@pytest.mark.parametrize("problem", [(1, 30, 6, 1.0), (3, 8, 12, 1.0)],
                         ids=["more rows than columns", "more columns than rows"])
@pytest.mark.parametrize("factor", [1 + 1e-9, 2.0, 1e3],
                         ids=["just above lambda_max", "twice lambda_max", "far above"])
def test_map_lasso_returns_exact_zeros_above_lambda_max(student, problem, factor):
    X, y, lam_max = lasso_problem(*problem)
    lam = factor * lam_max
    expect_array(student.map_lasso(X, y, lam), np.zeros(X.shape[1]), exact=True,
                 call=f"map_lasso(X, y, {lam!r}) with max|X.T y| = {lam_max!r}",
                 concept="For lam >= max|X.T y| the zero vector already meets the optimality "
                         "conditions, so every weight is exactly 0.0: start from zeros and "
                         "soft threshold, or return zeros right away.")


@pytest.mark.points(1)
def test_map_lasso_with_lambda_zero_is_least_squares_and_refuses_negative_lambda(student):
    X, y, _ = lasso_problem(6, 30, 6, 0.0)
    call = f"map_lasso(X, y, 0.0) with X of shape {X.shape}"
    w = expect_lasso_optimum(student.map_lasso(X, y, 0.0), X, y, 0.0, call=call)
    distance = 2 * math.sqrt(6) * kkt_tolerance(X, y) / float(np.linalg.eigvalsh(X.T @ X)[0])
    expect_array(w, np.linalg.lstsq(X, y)[0], rtol=0, atol=distance, call=call,
                 concept="With lam = 0 there is no penalty: the answer is least squares.")
    for lam in (-1.0, -1e-3):
        expect_raises(ValueError, lambda lam=lam: student.map_lasso(X, y, lam),
                      call=f"map_lasso(X, y, {lam})", names="lam",
                      concept="lam is the Laplace prior's 1/b: it must be >= 0.")
