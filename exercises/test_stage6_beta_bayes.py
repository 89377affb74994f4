"""Visible tests, stage 6: from MAP to the full posterior (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage6_beta_bayes import beta_map, beta_posterior, posterior_mean

from mapcourse.checks import expect, expect_close, expect_float

CONJUGATE = "Beta(a, b) after heads heads and tails tails is Beta(a + heads, b + tails)"
FUNCTIONS = [beta_posterior, beta_map, posterior_mean]


def expect_pair(got, *, call):
    """got is a tuple of two Python floats."""
    expect(isinstance(got, tuple) and len(got) == 2,
           f"{call} returned {got!r}; expected a tuple (a', b') of two floats.")
    return (expect_float(got[0], call=f"{call}[0]", concept=f"{CONJUGATE}, as floats."),
            expect_float(got[1], call=f"{call}[1]", concept=f"{CONJUGATE}, as floats."))


@pytest.mark.parametrize(("a", "b", "heads", "tails", "expected"), [
    (2, 2, 3, 0, (5.0, 2.0)), (1, 3, 2, 5, (3.0, 8.0)), (0.5, 0.5, 0, 0, (0.5, 0.5)),
], ids=["three heads turn Beta(2, 2) into Beta(5, 2)", "heads add to a, tails to b",
        "no flips leave the prior"])
def test_heads_add_to_a_and_tails_add_to_b(a, b, heads, tails, expected):
    call = f"beta_posterior({a}, {b}, {heads}, {tails})"
    a_post, b_post = expect_pair(beta_posterior(a, b, heads, tails), call=call)
    expect_close(a_post, expected[0], call=f"{call}[0]", concept=f"{CONJUGATE}: heads add to a.")
    expect_close(b_post, expected[1], call=f"{call}[1]", concept=f"{CONJUGATE}: tails add to b.")


@pytest.mark.parametrize(("a", "b", "name"), [(0, 2, "a"), (1, -1.5, "b"), (2, 0.0, "b")],
                         ids=["a is zero", "b is negative", "b is zero"])
def test_a_beta_prior_needs_a_and_b_above_zero(refuses, a, b, name):
    refuses(beta_posterior, a, b, 2, 1, names=name,
            concept="Beta(a, b) is a distribution only when a > 0 and b > 0.")


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.__name__)
@pytest.mark.parametrize(("heads", "tails", "name"), [
    (-1, 0, "heads"), (1, 0.5, "tails"), (math.nan, 2, "heads"),
], ids=["negative heads", "fractional tails", "nan heads"])
def test_flip_counts_are_non_negative_whole_numbers(refuses, function, heads, tails, name):
    refuses(function, 2, 2, heads, tails, names=name,
            concept="Flip counts are non-negative whole numbers.")


def test_beta_posterior_takes_whole_floats_and_numpy_integers_as_counts():
    for heads, tails in ((2.0, 3.0), (np.int64(2), np.int64(3))):
        call = f"beta_posterior(1, 1, {heads!r}, {tails!r})"
        a_post, b_post = expect_pair(beta_posterior(1, 1, heads, tails), call=call)
        expect_close(a_post, 3.0, call=f"{call}[0]",
                     concept="A float with a whole value, or a numpy integer, is a valid count.")
        expect_close(b_post, 4.0, call=f"{call}[1]",
                     concept="A float with a whole value, or a numpy integer, is a valid count.")


@pytest.mark.parametrize(("a", "b", "heads", "tails", "expected"), [
    (2, 2, 3, 0, 0.8), (2, 3, 4, 1, 0.625), (1.5, 3, 0, 0, 0.2),
], ids=["the prior pulls three heads down to 0.8", "Beta(6, 4) peaks at 5/8",
        "a' = 1.5 is still an interior mode"])
def test_beta_map_is_a_minus_1_over_a_plus_b_minus_2_inside_the_interval(a, b, heads, tails,
                                                                       expected):
    call = f"beta_map({a}, {b}, {heads}, {tails})"
    got = expect_float(beta_map(a, b, heads, tails), call=call)
    expect_close(got, expected, call=call,
                 concept="When a' and b' both exceed 1 the mode of Beta(a', b') is "
                         "(a'-1)/(a'+b'-2), not the mean a'/(a'+b').")


@pytest.mark.parametrize(("a", "b", "heads", "tails", "expected"), [
    (1, 3, 0, 0, 0.0), (0.5, 2, 0, 1, 0.0), (0.5, 1, 0, 0, 0.0), (1, 0.5, 0, 0, 1.0),
    (4, 1, 0, 0, 1.0), (2, 0.5, 0, 0, 1.0), (1, 1, 0, 6, 0.0),
], ids=["a' = 1 below b'", "a' below 1 below b'", "a' below 1 = b'", "b' below 1 = a'",
        "b' = 1 below a'", "b' below 1 below a'", "a flat prior and tails only"])
def test_beta_map_sits_at_an_end_when_one_parameter_is_at_most_one(a, b, heads, tails, expected):
    call = f"beta_map({a}, {b}, {heads}, {tails})"
    got = expect_float(beta_map(a, b, heads, tails), call=call)
    side = "0.0 when a' <= 1 <= b'" if expected == 0.0 else "1.0 when b' <= 1 <= a'"
    expect_close(got, expected, call=call,
                 concept="When one parameter is <= 1 and the other >= 1 (not both 1) the Beta "
                         f"density is largest at an end of [0, 1]: the mode is {side}.")


@pytest.mark.parametrize(("a", "b"), [(1, 1), (0.5, 0.8)],
                         ids=["a flat posterior", "both parameters below one"])
def test_a_flat_or_two_peaked_posterior_has_no_single_map(refuses, a, b):
    refuses(beta_map, a, b, 0, 0, names=None,
            concept="Beta(1, 1) is flat, so every theta is a mode; with both parameters below 1 "
                    "the density peaks at both 0 and 1. Neither has one MAP: raise ValueError.")


@pytest.mark.parametrize(("a", "b", "heads", "tails", "expected"), [
    (1, 1, 3, 0, 0.8), (2, 3, 4, 1, 0.6), (2, 2, 3, 0, 5 / 7),
], ids=["Laplace's rule of succession predicts four fifths", "the prior counts too",
        "the source coin's full posterior"])
def test_the_posterior_mean_is_a_prime_over_a_prime_plus_b_prime(a, b, heads, tails, expected):
    call = f"posterior_mean({a}, {b}, {heads}, {tails})"
    got = expect_float(posterior_mean(a, b, heads, tails), call=call)
    expect_close(got, expected, call=call,
                 concept="The mean of Beta(a', b') is a'/(a'+b'), the probability that the next "
                         "flip lands heads; the -1 terms belong to the mode.")


def test_a_flat_beta_prior_gives_the_mle_as_map():
    expect_close(beta_map(1, 1, 7, 3), 0.7, call="beta_map(1, 1, 7, 3)",
                 concept="Under Beta(1, 1) the posterior is proportional to the likelihood, so "
                         "the MAP is the MLE heads / (heads + tails).")
    expect_close(beta_map(1, 1, 3, 0), 1.0, call="beta_map(1, 1, 3, 0)",
                 concept="Under a flat prior three heads give the MLE's answer, 1.0.")
