"""Hidden suite, stage 6: from MAP to the full posterior (10 points)."""

import math

import numpy as np
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from mapcourse.checks import expect, expect_close, expect_float, expect_raises, show
from mapcourse.sandbox.protocol import Record

prior = st.one_of(st.integers(1, 50), st.floats(0.05, 50))
counts = st.integers(0, 10**4)
# A failing example is reported as found: shrinking it would call slow wrong code hundreds of times.
NO_SHRINKING = (Phase.explicit, Phase.reuse, Phase.generate)
CONJUGATE = "Beta(a, b) after heads heads and tails tails is Beta(a + heads, b + tails)"
FUNCTIONS = ("beta_posterior", "beta_map", "posterior_mean")


def expect_pair(got: object, *, call: str) -> tuple[float, float]:
    """got is a tuple (a named tuple counts) of two Python floats."""
    items = tuple(got.fields.values()) if isinstance(got, Record) else got
    expect(isinstance(items, tuple) and len(items) == 2,
           f"{call} returned {show(got)}; expected a tuple (a', b') of two floats.")
    return (expect_float(items[0], call=f"{call}[0]", concept=f"{CONJUGATE}, as floats."),
            expect_float(items[1], call=f"{call}[1]", concept=f"{CONJUGATE}, as floats."))


@pytest.mark.points(1)
@settings(max_examples=20, phases=NO_SHRINKING)
@given(a=prior, b=prior, heads=counts, tails=counts)
def test_beta_posterior_adds_heads_to_a_and_tails_to_b(student, a, b, heads, tails):
    call = f"beta_posterior({a}, {b}, {heads}, {tails})"
    a_post, b_post = expect_pair(student.beta_posterior(a, b, heads, tails), call=call)
    expect_close(a_post, a + heads, rel=1e-12, call=f"{call}[0]",
                 concept=f"{CONJUGATE}: heads add to a (not to b).")
    expect_close(b_post, b + tails, rel=1e-12, call=f"{call}[1]",
                 concept=f"{CONJUGATE}: tails add to b (not to a).")


@pytest.mark.points(1)
@pytest.mark.parametrize(("a", "b", "name"), [
    (0, 1, "a"), (-1.5, 2, "a"), (1, 0.0, "b"), (2, -3, "b"),
], ids=["a is zero", "a is negative", "b is zero", "b is negative"])
def test_beta_posterior_needs_positive_prior_parameters(student, a, b, name):
    expect_raises(ValueError, lambda: student.beta_posterior(a, b, 3, 1),
                  call=f"beta_posterior({a}, {b}, 3, 1)", names=name,
                  concept="Beta(a, b) is a distribution only when a > 0 and b > 0.")


@pytest.mark.points(1)
@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize(("heads", "tails", "name"), [
    (-1, 2, "heads"), (2, -3, "tails"), (2.5, 1, "heads"), (1, math.inf, "tails"),
    (math.nan, 1, "heads"),
], ids=["negative heads", "negative tails", "fractional heads", "infinite tails", "nan heads"])
def test_flip_counts_must_be_non_negative_whole_numbers(student, function, heads, tails, name):
    expect_raises(ValueError, lambda: student.call(function, 2, 2, heads, tails),
                  call=f"{function}(2, 2, {heads}, {tails})", names=name,
                  concept="Flip counts are non-negative whole numbers.")


@pytest.mark.points(1)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_whole_valued_floats_and_numpy_integers_are_counts(student, function):
    with_ints = student.call(function, 2, 3, 3, 1).value
    int_call = f"{function}(2, 3, 3, 1)"
    for heads, tails in ((3.0, 1.0), (np.int64(3), np.int64(1))):
        call = f"{function}(2, 3, {heads!r}, {tails!r})"
        got = student.call(function, 2, 3, heads, tails).value
        if function == "beta_posterior":
            pairs = zip(expect_pair(got, call=call), expect_pair(with_ints, call=int_call),
                        strict=True)
        else:
            pairs = [(got, expect_float(with_ints, call=int_call))]
        for got_value, int_value in pairs:
            expect_close(got_value, int_value, rel=1e-12, call=call,
                         concept=f"A float with a whole value such as 3.0, or a numpy integer, "
                                 f"is a valid count: it must give what {int_call} gives.")


@pytest.mark.points(1)
@settings(max_examples=25, phases=NO_SHRINKING)
@given(case=st.tuples(prior, prior, counts, counts).filter(
    lambda case: case[0] + case[2] > 1 and case[1] + case[3] > 1))
@example(case=(1.5, 2.0, 0, 1))  # a' = 1.5: just above 1, still an interior mode
@example(case=(2.0, 1.5, 1, 0))
def test_beta_map_is_the_interior_mode_when_both_parameters_exceed_one(student, case):
    a, b, heads, tails = case
    a_post, b_post = a + heads, b + tails
    call = f"beta_map({a}, {b}, {heads}, {tails})"
    got = expect_float(student.beta_map(a, b, heads, tails), call=call)
    expect_close(got, (a_post - 1) / (a_post + b_post - 2), rel=1e-9, call=call,
                 concept="When a' and b' both exceed 1 the mode of Beta(a', b') is "
                         "(a'-1)/(a'+b'-2), not the mean a'/(a'+b').")


@pytest.mark.points(1)
@pytest.mark.parametrize(("a", "b", "heads", "tails", "expected"), [
    (1, 2, 0, 0, 0.0), (0.5, 3, 0, 0, 0.0), (1, 1, 0, 4, 0.0), (0.5, 1, 0, 0, 0.0),
    (0.25, 0.5, 0, 1, 0.0),
    (2, 1, 0, 0, 1.0), (3, 0.5, 0, 0, 1.0), (1, 1, 4, 0, 1.0), (1, 0.5, 0, 0, 1.0),
    (0.5, 0.25, 1, 0, 1.0),
], ids=["a' = 1 < b'", "a' < 1 < b'", "flat prior, tails only", "a' < 1 = b'",
        "tails lift b' above 1", "b' = 1 < a'", "b' < 1 < a'", "flat prior, heads only",
        "b' < 1 = a'", "heads lift a' above 1"])
def test_beta_map_sits_on_the_boundary_when_one_parameter_is_at_most_one(student, a, b, heads,
                                                                         tails, expected):
    call = f"beta_map({a}, {b}, {heads}, {tails})"
    got = expect_float(student.beta_map(a, b, heads, tails), call=call)
    side = "0.0 when a' <= 1 <= b'" if expected == 0.0 else "1.0 when b' <= 1 <= a'"
    expect_close(got, expected, call=call,
                 concept=f"When one parameter is <= 1 and the other >= 1 (not both 1), the "
                         f"Beta density is largest at an end of [0, 1]: the mode is {side}.")


@pytest.mark.points(1)
@pytest.mark.parametrize(("a", "b", "heads", "tails"), [
    (1, 1, 0, 0), (0.5, 0.5, 0, 0), (0.2, 0.7, 0, 0), (0.25, 0.5, 0.0, 0.0),
], ids=["flat posterior Beta(1, 1)", "Jeffreys prior, no flips", "both below one",
        "whole-valued float counts of zero"])
def test_beta_map_refuses_a_flat_or_two_peaked_posterior(student, a, b, heads, tails):
    call = f"beta_map({a}, {b}, {heads}, {tails})"
    expect_raises(ValueError, lambda: student.beta_map(a, b, heads, tails), call=call,
                  names=None,
                  concept="Beta(1, 1) is flat, so every theta is a mode; with both parameters "
                          "below 1 the density peaks at both 0 and 1. Neither has one MAP: "
                          "raise ValueError.")


@pytest.mark.points(1)
@settings(max_examples=20, phases=NO_SHRINKING)
@given(a=prior, b=prior, heads=counts, tails=counts)
def test_posterior_mean_is_a_over_a_plus_b(student, a, b, heads, tails):
    a_post, b_post = a + heads, b + tails
    call = f"posterior_mean({a}, {b}, {heads}, {tails})"
    got = expect_float(student.posterior_mean(a, b, heads, tails), call=call)
    expect_close(got, a_post / (a_post + b_post), rel=1e-9, call=call,
                 concept="The posterior mean of Beta(a', b') is a'/(a'+b'), the probability "
                         "that the next flip lands heads; it has no -1 terms (those belong to "
                         "the mode).")


@pytest.mark.points(1)
@settings(max_examples=20, phases=NO_SHRINKING)
@given(flips=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).filter(any))
def test_map_with_a_flat_prior_is_the_mle(student, flips):
    heads, tails = flips
    call = f"beta_map(1, 1, {heads}, {tails})"
    expect_close(student.beta_map(1, 1, heads, tails), heads / (heads + tails), rel=1e-12,
                 call=call,
                 concept="Under the flat prior Beta(1, 1) the posterior is proportional to the "
                         "likelihood, so the MAP is the MLE heads / (heads + tails).")


@pytest.mark.points(1)
def test_the_source_coin_gets_map_0_8_under_beta_2_2_instead_of_mle_1(student):
    expect_close(student.beta_map(2, 2, 3, 0), 0.8, call="beta_map(2, 2, 3, 0)",
                 concept="Three heads under a Beta(2, 2) prior give Beta(5, 2), whose mode "
                         "is (5-1)/(5+2-2) = 0.8: the prior pulls the estimate off 1.0.")
    expect_close(student.beta_map(1, 1, 3, 0), 1.0, call="beta_map(1, 1, 3, 0)",
                 concept="Under a flat prior three heads give the MLE's answer, 1.0.")
    expect_close(student.posterior_mean(2, 2, 3, 0), 5 / 7, call="posterior_mean(2, 2, 3, 0)",
                 concept="The full posterior Beta(5, 2) has mean 5/7.")
