"""Visible tests, stage 6: from MAP to the full posterior (run `pytest` here)."""

import pytest
from stage6_beta_bayes import beta_map, beta_posterior, posterior_mean

from mapcourse.checks import expect_close


def test_three_heads_turn_beta_2_2_into_beta_5_2():
    a_post, b_post = beta_posterior(2, 2, 3, 0)
    expect_close(a_post, 5.0, call="beta_posterior(2, 2, 3, 0)[0]",
                 concept="The heads add to a: 2 + 3 = 5.")
    expect_close(b_post, 2.0, call="beta_posterior(2, 2, 3, 0)[1]",
                 concept="No tails: b stays 2.")


def test_the_prior_pulls_the_map_of_three_heads_down_to_0_8():
    expect_close(beta_map(2, 2, 3, 0), 0.8, call="beta_map(2, 2, 3, 0)",
                 concept="The mode of Beta(5, 2) is (5 - 1) / (5 + 2 - 2) = 0.8.")


def test_laplace_rule_of_succession_predicts_four_fifths():
    expect_close(posterior_mean(1, 1, 3, 0), 0.8, call="posterior_mean(1, 1, 3, 0)",
                 concept="Under a flat prior, 3 heads give Beta(4, 1), whose mean is 4/5.")


def test_a_flat_posterior_has_no_single_map():
    with pytest.raises(ValueError):
        beta_map(1, 1, 0, 0)
