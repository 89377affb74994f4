"""Visible tests, stage 3: a Gaussian prior gives the L2 penalty (run `pytest` here)."""

import math

import pytest
from stage3_gaussian_l2 import gaussian_log_prior, l2_penalty, map_ridge

from mapcourse.checks import expect_array, expect_close


def test_the_log_prior_of_zero_is_the_normalising_constant():
    expect_close(gaussian_log_prior(0.0, 1.0), -0.5 * math.log(2 * math.pi),
                 call="gaussian_log_prior(0.0, 1.0)",
                 concept="The N(0, 1) log density at 0 is -(1/2)*log(2*pi): keep the constant.")
    expect_close(gaussian_log_prior([1.0, 2.0], 2.0), -5.0 + math.log(2.0 / (2 * math.pi)),
                 call="gaussian_log_prior([1.0, 2.0], 2.0)",
                 concept="-(lam/2)*sum(theta**2) + (d/2)*log(lam/(2*pi)) with d = 2.")


def test_the_penalty_of_three_four_is_half_lam_times_twenty_five():
    expect_close(l2_penalty([3.0, 4.0], 2.0), 25.0, call="l2_penalty([3.0, 4.0], 2.0)",
                 concept="(lam/2) * (3**2 + 4**2) = 1 * 25.")


def test_ridge_with_an_identity_design_shrinks_y():
    expect_array(map_ridge([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0], 3.0, 1.0), [0.25, 0.5],
                 call="map_ridge([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0], 3.0, 1.0)",
                 concept="With X = I, w = y / (1 + noise_var*lam) = y / 4.")


def test_ridge_refuses_a_negative_lam():
    with pytest.raises(ValueError, match="lam"):
        map_ridge([[1.0], [2.0]], [1.0, 2.0], 1.0, -1.0)
