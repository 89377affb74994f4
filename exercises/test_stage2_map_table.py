"""Visible tests, stage 2: a discrete prior and the MAP table (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage2_map_table import map_estimate, posterior_mean, posterior_table

from mapcourse.checks import expect, expect_array, expect_close, expect_float

SOURCE = "posterior_table([0.5, 0.8], [0.7, 0.3], 4, 1)"
FIELDS = ("theta", "prior", "likelihood", "product", "posterior", "evidence", "log_evidence")
BAYES = "posterior = prior * likelihood / evidence, where evidence = sum(prior * likelihood)."
LOG_SPACE = ("At this many flips every likelihood underflows to 0.0: add log(prior) and the "
             "log-likelihood, subtract the largest sum before exponentiating, and divide by "
             "the total (log-sum-exp).")
# Six million heads and four million tails against three candidates (log space: values of
# the course's reference, to 1e-6).
MANY = ([0.6, 0.6001, 0.7], [0.5, 0.25, 0.25], 6_000_000, 4_000_000)
MANY_CALL = "posterior_table([0.6, 0.6001, 0.7], [0.5, 0.25, 0.25], 6_000_000, 4_000_000)"
MANY_POSTERIOR = [0.7112560316066668, 0.28874396839333316, 0.0]
MANY_LOG_EVIDENCE = -6730117.022516931


def expect_sums_to_one(posterior, call):
    total = float(np.sum(posterior))
    expect(math.isfinite(total) and abs(total - 1.0) <= 1e-12,
           f"{call}.posterior sums to {total!r}; a posterior sums to 1 within 1e-12 and holds no "
           "nan. Normalise by the posterior's own sum: exp(log_product - log_evidence) carries "
           "the rounding of a log_evidence in the millions.")


def test_the_source_table_for_four_heads_and_one_tail():
    table = posterior_table([0.5, 0.8], [0.7, 0.3], 4, 1)
    expect(type(table).__name__ == "PosteriorTable" and tuple(table._fields) == FIELDS,
           f"{SOURCE} returned {type(table).__name__}; expected the PosteriorTable the stub "
           "provides, built with PosteriorTable(...).")
    expect_array(table.likelihood, [0.03125, 0.08192], call=f"{SOURCE}.likelihood",
                 concept="The likelihood of the sequence is theta**4 * (1 - theta)**1.")
    expect_array(table.product, [0.021875, 0.024576], call=f"{SOURCE}.product",
                 concept="The product is prior * likelihood.")
    evidence = expect_float(table.evidence, call=f"{SOURCE}.evidence")
    expect_close(evidence, 0.046451, call=f"{SOURCE}.evidence",
                 concept="The evidence is the sum of the products.")
    log_evidence = expect_float(table.log_evidence, call=f"{SOURCE}.log_evidence")
    expect_close(log_evidence, math.log(0.046451), call=f"{SOURCE}.log_evidence",
                 concept="log_evidence is the natural log of the evidence.")
    expect_array(np.round(table.posterior, 5), [0.47093, 0.52907], call=f"{SOURCE}.posterior",
                 concept="The posterior is product / evidence.")


def test_a_table_with_both_ends_of_the_interval_follows_bayes_rule():
    thetas, prior = np.array([0.0, 0.5, 1.0]), np.array([0.2, 0.5, 0.3])
    call = "posterior_table([0.0, 0.5, 1.0], [0.2, 0.5, 0.3], 0, 2.0)"
    table = posterior_table(thetas.tolist(), prior.tolist(), 0, 2.0)
    likelihood = np.array([1.0, 0.25, 0.0])
    expect_array(table.theta, thetas, call=f"{call}.theta", concept="The candidates, as given.")
    expect_array(table.prior, prior, call=f"{call}.prior", concept="The prior, as given.")
    expect_array(table.likelihood, likelihood, call=f"{call}.likelihood",
                 concept="theta**0 * (1 - theta)**2, with 0**0 == 1: theta 1 cannot give tails.")
    expect_array(table.product, prior * likelihood, call=f"{call}.product",
                 concept="The product is prior * likelihood.")
    expect_array(table.posterior, prior * likelihood / 0.325, call=f"{call}.posterior",
                 concept=BAYES)
    expect_sums_to_one(table.posterior, call)


@pytest.mark.parametrize(("thetas", "prior", "heads", "tails", "likelihood"), [
    ([0.5, 1.0], [0.5, 0.5], 3, 0, [0.125, 1.0]), ([0.3], [1.0], 2, 1, [0.063]),
], ids=["heads only, theta 1 among the candidates", "a single candidate"])
def test_every_table_follows_bayes_rule(thetas, prior, heads, tails, likelihood):
    call = f"posterior_table({thetas}, {prior}, {heads}, {tails})"
    got = posterior_table(thetas, prior, heads, tails)
    product = np.array(prior) * np.array(likelihood)
    expect_array(got.likelihood, likelihood, call=f"{call}.likelihood",
                 concept="theta**heads * (1 - theta)**tails, with 0**0 == 1.")
    expect_array(got.posterior, product / product.sum(), call=f"{call}.posterior",
                 concept=BAYES)


def test_ten_million_flips_still_give_the_right_posterior():
    table = posterior_table(*MANY)
    expect_array(table.posterior, MANY_POSTERIOR, rtol=1e-6, call=f"{MANY_CALL}.posterior",
                 concept=LOG_SPACE)
    expect_sums_to_one(table.posterior, MANY_CALL)
    log_evidence = expect_float(table.log_evidence, call=f"{MANY_CALL}.log_evidence")
    expect_close(log_evidence, MANY_LOG_EVIDENCE, call=f"{MANY_CALL}.log_evidence",
                 concept=f"log_evidence stays finite when the evidence underflows. {LOG_SPACE}")
    for field in ("likelihood", "product"):
        expect_array(getattr(table, field), np.zeros(3), call=f"{MANY_CALL}.{field}",
                     concept="These underflow to 0.0 in float64 here; that is fine, nan is not.")


@pytest.mark.parametrize(("thetas", "prior", "heads", "tails", "expected"), [
    ([0.5, 0.8], [1.0, 0.0], 4, 1, [1.0, 0.0]),
    ([0.3, 0.7, 0.5], [0.6, 0.0, 0.4], 70_000, 30_000, [0.0, 0.0, 1.0]),
], ids=["the source's coin with 0.8 ruled out", "prior 0 on the best fit of 100000 flips"])
def test_a_candidate_with_prior_zero_gets_posterior_exactly_zero(thetas, prior, heads, tails,
                                                                 expected):
    call = f"posterior_table({thetas}, {prior}, {heads}, {tails})"
    posterior = expect_array(posterior_table(thetas, prior, heads, tails).posterior, expected,
                             call=f"{call}.posterior", concept=BAYES)
    expect(posterior[1] == 0.0,
           f"{call}.posterior[1] is {posterior[1]!r}; a candidate with prior 0 has posterior "
           "exactly 0 whatever the data: log(0) is -inf and exp(-inf) is 0, so do not replace "
           "a zero prior by a tiny number.")


@pytest.mark.parametrize(("thetas", "prior", "heads", "names"), [
    ([], [], 1, ("theta", "thetas", "prior")),
    ([0.2, 0.4, 0.6], [0.5, 0.5], 1, ("theta", "thetas", "prior")),
    ([0.3, 0.6, 0.3], [0.2, 0.3, 0.5], 1, ("theta", "thetas")),
    ([-0.2, 0.5], [0.5, 0.5], 1, ("theta", "thetas")),
    ([0.5, 1.5], [0.5, 0.5], 1, ("theta", "thetas")),
    ([0.2, 0.5], [1.2, -0.2], 1, "prior"),
    ([0.2, 0.5], [0.5, 0.5 + 3e-9], 1, "prior"),
    ([0.2, 0.5], [0.5, 0.5], -3, "heads"),
    ([0.2, 0.5], [0.5, 0.5], 2.5, "heads"),
], ids=["no candidates", "fewer priors than thetas", "a repeated theta", "a theta below 0",
        "a theta above 1", "a negative prior", "a prior off by 3e-9", "negative heads",
        "fractional heads"])
def test_posterior_table_refuses_an_invalid_table(refuses, thetas, prior, heads, names):
    refuses(posterior_table, thetas, prior, heads, 2, names=names,
            concept="A table needs distinct candidates in [0, 1], one prior probability each, "
                    "non-negative and summing to 1 within 1e-9, and whole non-negative counts.")


def test_a_prior_off_by_rounding_only_is_accepted():
    call = "posterior_table([0.2, 0.5, 0.9], [0.6, 0.3, 0.1], 1, 1)"
    table = posterior_table([0.2, 0.5, 0.9], [0.6, 0.3, 0.1], 1, 1)  # sums to 1 - 1.1e-16
    expect_array(table.posterior, np.array([0.096, 0.075, 0.009]) / 0.18, call=f"{call}.posterior",
                 concept="A prior off by rounding (within 1e-9) is a valid prior.")


@pytest.mark.parametrize(("function", "thetas", "prior", "heads", "tails"), [
    (posterior_table, [0.0, 1.0], [0.3, 0.7], 1, 1),
    (posterior_table, [1.0, 0.5], [1.0, 0.0], 0, 3),
    (map_estimate, [0.0, 1.0], [0.3, 0.7], 1, 1),
    (posterior_mean, [0.0, 1.0], [0.3, 0.7], 1, 1),
], ids=["a head and a tail against theta 0 and 1", "possible only under a prior of 0",
        "map_estimate of impossible data", "posterior_mean of impossible data"])
def test_data_no_candidate_can_produce_are_refused(refuses, function, thetas, prior, heads,
                                                     tails):
    refuses(function, thetas, prior, heads, tails, names=None,
            concept="When every candidate with positive prior gives the data probability 0, "
                    "the evidence is 0 and the posterior is undefined: raise instead of "
                    "returning nan.")


@pytest.mark.parametrize(("thetas", "prior", "heads", "tails", "expected"), [
    ([0.5, 0.8], [0.7, 0.3], 4, 1, 0.8),
    ([0.35, 0.3, 0.25], [1 / 3, 1 / 3, 1 / 3], 3_000_000, 7_000_000, 0.3),
], ids=["the source's coin: 0.8 wins barely", "ten million flips, in log space"])
def test_map_estimate_picks_the_most_probable_candidate(thetas, prior, heads, tails,
                                                                  expected):
    call = f"map_estimate({thetas}, {prior}, {heads}, {tails})"
    got = expect_float(map_estimate(thetas, prior, heads, tails), call=call)
    expect_close(got, expected, call=call,
                 concept="The MAP estimate is the candidate with the largest posterior "
                         "(compare in log space for many flips).")


@pytest.mark.parametrize(("thetas", "prior", "expected"), [
    ([0.6, 0.3], [0.5, 0.5], 0.6), ([0.4, 0.9, 0.1], [0.2, 0.4, 0.4], 0.9),
    ([0.3, 0.6], [0.5, 0.5], 0.3), ([0.8, 0.2, 0.7], [0.2, 0.4, 0.4], 0.2),
], ids=["a tie goes to the first, not the smallest", "a tie goes to the first, not the last",
        "a tie goes to the first, not the largest",
        "a tie goes to the first of the equal, not the largest of them"])
def test_map_estimate_breaks_an_exact_tie_toward_the_first_candidate(thetas, prior, expected):
    call = f"map_estimate({thetas}, {prior}, 0, 0)"
    expect_close(map_estimate(thetas, prior, 0, 0), expected, call=call,
                 concept="With no flips the posterior is the prior, so these candidates tie "
                         "exactly; a tie goes to the first in the given order.")


@pytest.mark.parametrize(("thetas", "prior", "heads", "tails", "expected", "rel"), [
    ([0.5, 0.8], [0.7, 0.3], 4, 1, 0.65872, 1e-5),
    (*MANY, 0.6000288743968394, 1e-7),
], ids=["the source's coin", "ten million flips"])
def test_posterior_mean_is_the_posterior_weighted_average_of_thetas(thetas, prior, heads, tails,
                                                               expected, rel):
    call = f"posterior_mean({thetas}, {prior}, {heads}, {tails})"
    got = expect_float(posterior_mean(thetas, prior, heads, tails), call=call)
    expect_close(got, expected, rel=rel, call=call,
                 concept="The posterior mean is sum(theta * posterior), with the log-space "
                         "posterior.")
