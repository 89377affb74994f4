"""Visible tests, stage 4: a Laplace prior gives the L1 penalty (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage4_laplace_l1 import l1_penalty, laplace_log_prior, map_lasso, soft_threshold

from mapcourse.checks import expect_array, expect_close, expect_float


def test_two_zero_weights_under_laplace_0_1_have_log_prior_minus_2_log_2():
    got = laplace_log_prior([0.0, 0.0], 1.0)
    expect_float(got, call="laplace_log_prior([0.0, 0.0], 1.0)")
    expect_close(got, -2 * math.log(2), call="laplace_log_prior([0.0, 0.0], 1.0)",
                 concept="Each parameter's density at 0 is 1/(2b): two of them give -2*log(2).")


def test_the_l1_penalty_sums_absolute_values():
    expect_close(l1_penalty([1.0, -2.0, 3.0], 0.5), 3.0, call="l1_penalty([1.0, -2.0, 3.0], 0.5)",
                 concept="0.5 * (|1| + |-2| + |3|) = 3.")


def test_soft_threshold_shrinks_by_t_and_zeroes_small_entries():
    expect_array(soft_threshold([-2.0, -0.5, 0.5, 3.0], 1.0), [-1.0, 0.0, 0.0, 2.0], exact=True,
                 call="soft_threshold([-2.0, -0.5, 0.5, 3.0], 1.0)",
                 concept="Entries within t of zero become exactly 0.0; the others move t "
                         "toward zero.")
    with pytest.raises(ValueError):
        soft_threshold([1.0], -1.0)


def test_lasso_on_the_identity_design_keeps_only_the_large_weight():
    expect_array(map_lasso(np.eye(2), np.array([3.0, 0.5]), 1.0), [2.0, 0.0], rtol=1e-6,
                 call="map_lasso(np.eye(2), [3.0, 0.5], 1.0)",
                 concept="With X = I the lasso soft-thresholds y: 3 shrinks to 2, 0.5 to 0.")


def test_a_huge_lambda_gives_the_zero_vector():
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    expect_array(map_lasso(X, np.array([1.0, -1.0, 2.0]), 100.0), [0.0, 0.0], exact=True,
                 call="map_lasso(X, y, 100.0)",
                 concept="lam is far above max|X.T y| = 3: every weight is exactly 0.0.")
