"""Visible tests, stage 1: maximum likelihood for a coin (run `pytest` here)."""

import math

import pytest
from stage1_mle_coin import grid_mle, log_likelihood, mle

from mapcourse.checks import expect_close, expect_float


def test_the_source_coin_has_log_likelihood_log_0_08192():
    got = log_likelihood(0.8, 4, 1)
    expect_float(got, call="log_likelihood(0.8, 4, 1)")
    expect_close(got, math.log(0.8**4 * 0.2), call="log_likelihood(0.8, 4, 1)",
                 concept="4 heads and 1 tail: 4*log(0.8) + 1*log(0.2) = log(0.08192).")


def test_a_count_of_zero_adds_nothing_and_impossible_data_give_minus_infinity():
    expect_close(log_likelihood(1.0, 3, 0), 0.0, call="log_likelihood(1.0, 3, 0)",
                 concept="With no tails, the tails term is 0, not 0*log(0) = nan.")
    expect_close(log_likelihood(0.0, 2, 1), -math.inf, call="log_likelihood(0.0, 2, 1)",
                 concept="theta = 0 cannot produce heads: the log-likelihood is -inf.")


def test_three_heads_in_three_flips_give_an_mle_of_one():
    expect_close(mle(3, 0), 1.0, call="mle(3, 0)",
                 concept="The MLE is heads / (heads + tails): MLE concludes the coin always "
                         "lands heads.")
    expect_close(mle(4, 1), 0.8, call="mle(4, 1)", concept="4 heads in 5 flips: 0.8.")


def test_grid_search_finds_the_fraction_of_heads():
    expect_close(grid_mle(4, 1), 0.8, call="grid_mle(4, 1)",
                 concept="0.8 is on the grid np.linspace(0, 1, 1001) and has the largest "
                         "log-likelihood there.")


def test_no_flips_leave_the_mle_undefined():
    with pytest.raises(ValueError):
        mle(0, 0)
