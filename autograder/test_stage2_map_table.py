"""Hidden suite, stage 2: a discrete prior and the MAP table (10 points)."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
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
from mapcourse.sandbox.protocol import Record

solution = reference("stage2_map_table")

FIELDS = ("theta", "prior", "likelihood", "product", "posterior", "evidence", "log_evidence")
GRID = [i / 20 for i in range(21)]
TEN_MILLION = 10**7
THETA = ("theta", "thetas")
CANDIDATES = ("theta", "thetas", "prior")

LOG_SPACE = ("At this many flips every likelihood underflows to 0.0: add log(prior) and the "
             "log-likelihood, subtract the largest sum before exponentiating, and divide by "
             "the total (log-sum-exp); log_evidence is that largest sum plus log(total).")
BAYES = ("posterior = prior * likelihood / evidence, with the evidence the sum of "
         "prior * likelihood over the candidates.")


def call_of(function, thetas, prior, heads, tails):
    return f"{function}({show(thetas)}, {show(prior)}, {heads!r}, {tails!r})"


FINE_GRID = np.linspace(0, 1, 1001).tolist()


def table_of(student, thetas, prior, heads, tails):
    """The student's PosteriorTable (a Record with the seven fields), and the call."""
    call = call_of("posterior_table", thetas, prior, heads, tails)
    got = student.posterior_table(thetas, prior, heads, tails)
    if not isinstance(got, Record) or tuple(got.fields) != FIELDS:
        fail(f"{call} returned {show(got)}; expected a PosteriorTable with the fields "
             f"{', '.join(FIELDS)}, in that order (build it with PosteriorTable(...)).")
    return got, call


def expect_normalised(posterior, call):
    total = float(np.sum(posterior))
    expect(math.isfinite(total) and abs(total - 1.0) <= 1e-12,
           f"{call}.posterior sums to {total!r}; a posterior must sum to 1 within 1e-12 and "
           "hold no nan. Normalise it by its own sum: exp(log_product - log_evidence) carries "
           "the rounding of a log_evidence near -7e6, about 1e-9.")


def expect_table_like_reference(got, call, thetas, prior, heads, tails, rtol=1e-9):
    expected = solution.posterior_table(thetas, prior, heads, tails)
    for field in ("theta", "prior", "likelihood", "product", "posterior"):
        expect_array(getattr(got, field), getattr(expected, field), rtol=rtol,
                     call=f"{call}.{field}",
                     concept=f"{BAYES} The likelihood is theta**heads * (1 - theta)**tails, "
                             "with 0**0 == 1.")
    expect_close(got.evidence, expected.evidence, rel=rtol, abs_tol=1e-300,
                 call=f"{call}.evidence", concept="The evidence is sum(prior * likelihood).")
    expect_close(got.log_evidence, expected.log_evidence, rel=1e-9,
                 call=f"{call}.log_evidence",
                 concept="log_evidence is log(sum(prior * likelihood)), computed with "
                         "log-sum-exp so that it stays finite when the evidence underflows.")
    expect_normalised(got.posterior, call)


@st.composite
def tables(draw):
    """A valid table: distinct candidates from a grid with both ends, a prior with zeros."""
    size = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    thetas = rng.choice(GRID, size=size, replace=False).tolist()
    weights = rng.integers(0, 5, size=size)
    weights[rng.integers(size)] += 1
    prior = (weights / weights.sum()).tolist()
    return thetas, prior, draw(st.integers(0, 40)), draw(st.integers(0, 40))


@pytest.mark.points(1)
def test_posterior_table_reproduces_the_worked_example_of_the_source(student):
    got, call = table_of(student, [0.5, 0.8], [0.7, 0.3], 4, 1)
    expect(got.type_name == "PosteriorTable",
           f"{call} returned a {got.type_name}; expected the PosteriorTable the stub provides.")
    expected = {"theta": [0.5, 0.8], "prior": [0.7, 0.3], "likelihood": [0.03125, 0.08192],
                "product": [0.021875, 0.024576],
                "posterior": [0.021875 / 0.046451, 0.024576 / 0.046451]}
    for field, values in expected.items():
        expect_array(getattr(got, field), values, rtol=1e-9, call=f"{call}.{field}",
                     concept=f"Each field is a float64 array, one entry per candidate. {BAYES}")
    expect_float(got.evidence, call=f"{call}.evidence")
    expect_close(got.evidence, 0.046451, call=f"{call}.evidence",
                 concept="The evidence P(D) is the sum of the products: 0.021875 + 0.024576.")
    expect_float(got.log_evidence, call=f"{call}.log_evidence")
    expect_close(got.log_evidence, math.log(0.046451), call=f"{call}.log_evidence",
                 concept="log_evidence is the natural log of the evidence.")


@pytest.mark.points(1)
@given(case=tables())
@example(case=(FINE_GRID, [1 / 1001] * 1001, 3, 7))
@example(case=([0.5, 0.8], [0.7, 0.3], 4.0, 1.0))  # whole-valued floats are counts
@settings(max_examples=25)
def test_posterior_table_follows_bayes_rule_on_random_tables(student, case):
    thetas, prior, heads, tails = case
    try:
        solution.posterior_table(thetas, prior, heads, tails)
    except ValueError:
        expect_raises(ValueError, lambda: student.posterior_table(thetas, prior, heads, tails),
                      call=call_of("posterior_table", thetas, prior, heads, tails),
                      names=None,
                      concept="These data are impossible under every candidate with a positive "
                              "prior: the evidence is 0 and the posterior is undefined.")
        return
    got, call = table_of(student, thetas, prior, heads, tails)
    expect_table_like_reference(got, call, thetas, prior, heads, tails)


@pytest.mark.points(2)
@pytest.mark.parametrize(("thetas", "prior", "heads", "tails"), [
    ([0.4999, 0.5, 0.5001], [0.3, 0.4, 0.3], 5_000_000, 5_000_000),
    ([0.2999, 0.3, 0.3001, 0.9], [0.25, 0.25, 0.25, 0.25], 3_000_001, 6_999_999),
    ([0.9, 0.99, 1.0], [0.5, 0.3, 0.2], TEN_MILLION, 0),
    ([0.3, 0.5, 0.7], [0.5, 0.5, 0.0], 7_000_000, 3_000_000),
    ([0.0, 0.01, 0.02], [0.2, 0.3, 0.5], 150_000, 9_850_000),
], ids=["five million heads and tails, close candidates", "ten million flips, 3 in 10 heads",
        "ten million heads, theta 1 among the candidates",
        "the best-fitting candidate has prior 0", "few heads among ten million flips"])
def test_posterior_stays_right_in_log_space_up_to_ten_million_flips(student, thetas, prior,
                                                                   heads, tails):
    got, call = table_of(student, thetas, prior, heads, tails)
    expected = solution.posterior_table(thetas, prior, heads, tails)
    expect_array(got.posterior, expected.posterior, rtol=1e-6, call=f"{call}.posterior",
                 concept=LOG_SPACE)
    expect_normalised(got.posterior, call)
    expect_float(got.log_evidence, call=f"{call}.log_evidence")
    expect_close(got.log_evidence, expected.log_evidence, rel=1e-9, call=f"{call}.log_evidence",
                 concept=f"log_evidence must stay finite when the evidence underflows. {LOG_SPACE}")
    for field in ("likelihood", "product"):
        expect_array(getattr(got, field), getattr(expected, field), rtol=1e-6,
                     call=f"{call}.{field}",
                     concept="These underflow to 0.0 in float64 here; that is fine, nan is not.")


@pytest.mark.points(1)
@pytest.mark.parametrize(("thetas", "prior", "heads", "tails"), [
    ([0.8, 0.5], [0.0, 1.0], 4, 1),
    ([0.1, 0.5, 0.9], [0.0, 0.5, 0.5], 0, 0),
    ([0.0, 0.5], [0.0, 1.0], 3, 2),
    ([0.5, 0.9], [1.0, 0.0], 100_000, 0),
], ids=["the source's coin with the 0.8 candidate ruled out", "no flips",
        "prior 0 on an impossible candidate", "prior 0 on the best fit of 100000 heads"])
def test_a_candidate_with_prior_zero_gets_posterior_zero(student, thetas, prior, heads, tails):
    got, call = table_of(student, thetas, prior, heads, tails)
    expected = solution.posterior_table(thetas, prior, heads, tails)
    posterior = expect_array(got.posterior, expected.posterior, rtol=1e-9,
                             call=f"{call}.posterior", concept=BAYES)
    for index in np.flatnonzero(np.asarray(prior) == 0.0):
        expect(posterior[index] == 0.0,
               f"{call}.posterior[{index}] is {show(posterior[index])}; a candidate with prior 0 "
               "has posterior exactly 0 whatever the data. log(0) is -inf and exp(-inf) is 0: "
               "do not replace a zero prior by a tiny number.")
    expect_normalised(posterior, call)


INVALID_TABLES = [
    ([], [], 1, 1, CANDIDATES),
    ([0.2, 0.5], [1.0], 1, 1, CANDIDATES),
    ([0.2, 0.5], [0.5, 0.3, 0.2], 1, 1, CANDIDATES),
    ([0.5, 0.5], [0.5, 0.5], 1, 1, THETA),
    ([-0.1, 0.5], [0.5, 0.5], 1, 1, THETA),
    ([0.5, 1.2], [0.5, 0.5], 1, 1, THETA),
    ([0.2, 0.5], [-0.1, 1.1], 1, 1, "prior"),
    ([0.2, 0.5], [0.4, 0.5], 1, 1, "prior"),
    ([0.2, 0.5], [0.5, 0.5 + 5e-9], 1, 1, "prior"),
    ([0.2, 0.5], [0.5, 0.5], -1, 1, "heads"),
    ([0.2, 0.5], [0.5, 0.5], 1, 1.5, "tails"),
    ([0.3, 0.6], [0.5, 0.5 + 1e-12], 1, 1, None),
    ([0.3, 0.6], [0.5, 0.5 - 1e-12], 2, 0, None),
    ([i / 10 for i in range(10)], [0.1] * 10, 3, 4, None),
]


@pytest.mark.points(1)
@pytest.mark.parametrize(("thetas", "prior", "heads", "tails", "names"), INVALID_TABLES, ids=[
    "no candidates", "prior shorter than thetas", "prior longer than thetas",
    "a repeated theta", "a theta below 0",
    "a theta above 1", "a negative prior", "a prior summing to 0.9",
    "a prior off by 5e-9", "negative heads", "fractional tails",
    "a prior off by 1e-12 is accepted", "a prior short by 1e-12 is accepted",
    "ten priors of 0.1 are accepted"])
def test_posterior_table_refuses_invalid_tables_but_tolerates_rounding(student, thetas, prior,
                                                                       heads, tails, names):
    call = call_of("posterior_table", thetas, prior, heads, tails)
    if names is None:
        got, call = table_of(student, thetas, prior, heads, tails)
        expect_table_like_reference(got, call, thetas, prior, heads, tails)
        return
    expect_raises(ValueError, lambda: student.posterior_table(thetas, prior, heads, tails),
                  call=call, names=names,
                  concept="A table needs distinct candidates in [0, 1], one prior probability "
                          "each, non-negative and summing to 1 within 1e-9 (rounding such as "
                          "1e-12 is fine), and whole non-negative counts.")


IMPOSSIBLE = [
    ("posterior_table", [0.0, 1.0], [0.5, 0.5], 2, 1),
    ("posterior_table", [0.0], [1.0], 1, 0),
    ("posterior_table", [0.0, 0.5], [1.0, 0.0], 1, 0),
    ("posterior_table", [1.0, 0.3], [1.0, 0.0], TEN_MILLION - 1, 1),
    ("map_estimate", [0.0, 1.0], [0.5, 0.5], 2, 1),
    ("posterior_mean", [0.0, 1.0], [0.5, 0.5], 2, 1),
]


@pytest.mark.points(1)
@pytest.mark.parametrize(("function", "thetas", "prior", "heads", "tails"), IMPOSSIBLE, ids=[
    "heads and tails against theta 0 and 1", "a head against theta 0",
    "possible only under a candidate with prior 0", "one tail against theta 1",
    "map_estimate of impossible data", "posterior_mean of impossible data"])
def test_data_impossible_under_every_candidate_raise(student, function, thetas, prior, heads,
                                                     tails):
    expect_raises(ValueError, lambda: getattr(student, function)(thetas, prior, heads, tails),
                  call=call_of(function, thetas, prior, heads, tails),
                  names=None,
                  concept="When every candidate with positive prior gives the data probability "
                          "0, the evidence is 0 and the posterior is undefined: raise instead of "
                          "returning nan.")


def expect_map_like_reference(student, thetas, prior, heads, tails):
    try:
        posterior = solution.posterior_table(thetas, prior, heads, tails).posterior
    except ValueError:
        return
    near_best = [theta for theta, p in zip(thetas, posterior, strict=True)
                 if p >= posterior.max() * (1 - 1e-9)]
    call = call_of("map_estimate", thetas, prior, heads, tails)
    got = student.map_estimate(thetas, prior, heads, tails)
    expect_float(got, call=call)
    if got not in near_best:
        expect_close(got, near_best[0], call=call,
                     concept="The MAP estimate is the candidate with the largest posterior "
                             "(prior times likelihood; compare in log space for many flips), "
                             "never a candidate with prior 0.")


@pytest.mark.points(1)
@given(case=tables())
@example(case=([0.5, 0.8], [0.7, 0.3], 4, 1))
@example(case=([0.5, 0.8], [0.7, 0.3], 3, 2))
@example(case=([0.5, 0.9], [1.0, 0.0], 100_000, 0))
@example(case=([0.2999, 0.3, 0.3001, 0.9], [0.25] * 4, 3_000_001, 6_999_999))
@example(case=([0.9, 0.3, 0.1], [0.25, 0.25, 0.5], TEN_MILLION, 0))
@settings(max_examples=15)
def test_map_estimate_is_the_candidate_with_the_largest_posterior(student, case):
    expect_map_like_reference(student, *case)


@pytest.mark.points(1)
@pytest.mark.parametrize(("thetas", "prior", "expected"), [
    ([0.7, 0.2], [0.5, 0.5], 0.7),
    ([0.2, 0.7], [0.5, 0.5], 0.2),
    ([0.9, 0.3, 0.6], [0.2, 0.4, 0.4], 0.3),
    ([0.1, 0.4, 0.6, 0.9], [0.25, 0.25, 0.25, 0.25], 0.1),
], ids=["larger theta first", "smaller theta first", "the tie after a smaller posterior",
        "four equal candidates"])
def test_map_estimate_breaks_exact_ties_toward_the_first_candidate(student, thetas, prior,
                                                                    expected):
    call = call_of("map_estimate", thetas, prior, 0, 0)
    got = student.map_estimate(thetas, prior, 0, 0)
    expect_float(got, call=call)
    expect_close(got, expected, call=call,
                 concept="With no flips the posterior is the prior, so these candidates tie "
                         "exactly; a tie goes to the first candidate in the given order, not "
                         "the smallest or the last (np.argmax keeps the first).")


@pytest.mark.points(1)
@given(case=tables())
@example(case=([0.5, 0.8], [0.7, 0.3], 4, 1))
@example(case=([0.4999, 0.5, 0.5001], [0.3, 0.4, 0.3], 5_000_000, 5_000_000))
@example(case=([0.2999, 0.3, 0.3001, 0.9], [0.25] * 4, 3_000_001, 6_999_999))
@settings(max_examples=15)
def test_posterior_mean_weighs_each_candidate_by_its_posterior(student, case):
    thetas, prior, heads, tails = case
    if (thetas, prior, heads, tails) == ([0.5, 0.8], [0.7, 0.3], 4, 1):
        expected = (0.5 * 0.021875 + 0.8 * 0.024576) / 0.046451
    else:
        try:
            expected = solution.posterior_mean(thetas, prior, heads, tails)
        except ValueError:
            return
    call = call_of("posterior_mean", thetas, prior, heads, tails)
    got = student.posterior_mean(thetas, prior, heads, tails)
    expect_float(got, call=call)
    expect_close(got, expected, rel=1e-9 if heads + tails < 10**5 else 1e-7, call=call,
                 concept="The posterior mean is sum(theta * posterior) (0.65872 for the "
                         "source's coin); use the log-space posterior so that it stays right "
                         "for millions of flips.")
