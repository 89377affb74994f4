"""Visible tests, stage 2: a discrete prior and the MAP table (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage2_map_table import map_estimate, posterior_mean, posterior_table

from mapcourse.checks import expect, expect_array, expect_close

SOURCE = "posterior_table([0.5, 0.8], [0.7, 0.3], 4, 1)"


def test_the_source_table_for_four_heads_and_one_tail():
    table = posterior_table([0.5, 0.8], [0.7, 0.3], 4, 1)
    expect_array(table.likelihood, [0.03125, 0.08192], call=f"{SOURCE}.likelihood",
                 concept="The likelihood of the sequence is theta**4 * (1 - theta)**1.")
    expect_array(table.product, [0.021875, 0.024576], call=f"{SOURCE}.product",
                 concept="The product is prior * likelihood.")
    expect_close(table.evidence, 0.046451, call=f"{SOURCE}.evidence",
                 concept="The evidence is the sum of the products.")
    expect_array(np.round(table.posterior, 5), [0.47093, 0.52907], call=f"{SOURCE}.posterior",
                 concept="The posterior is product / evidence.")


def test_the_source_coin_has_map_0_8_and_posterior_mean_0_65872():
    expect_close(map_estimate([0.5, 0.8], [0.7, 0.3], 4, 1), 0.8,
                 call="map_estimate([0.5, 0.8], [0.7, 0.3], 4, 1)",
                 concept="0.8 has the larger posterior, 0.52907 (barely).")
    expect_close(posterior_mean([0.5, 0.8], [0.7, 0.3], 4, 1), 0.65872, rel=1e-5,
                 call="posterior_mean([0.5, 0.8], [0.7, 0.3], 4, 1)",
                 concept="0.5 * 0.47093 + 0.8 * 0.52907.")


def test_ten_million_flips_still_give_a_proper_posterior():
    table = posterior_table([0.4999, 0.5, 0.5001], [0.3, 0.4, 0.3], 5_000_000, 5_000_000)
    total = float(np.sum(table.posterior))
    expect(abs(total - 1.0) <= 1e-12,
           f"the posterior of 10**7 flips sums to {total}, not 1: every likelihood underflows "
           "to 0.0 here, so work in log space and normalise with log-sum-exp.")
    expect(math.isfinite(table.log_evidence),
           f"log_evidence is {table.log_evidence}; it must stay finite when the evidence "
           "underflows to 0.0.")


def test_a_prior_that_does_not_sum_to_one_is_refused():
    with pytest.raises(ValueError, match="prior"):
        posterior_table([0.5, 0.8], [0.7, 0.7], 4, 1)
