"""Visible tests, stage 1: maximum likelihood for a coin (run `pytest` here)."""

import math

import numpy as np
import pytest
from stage1_mle_coin import grid_mle, log_likelihood, mle

from mapcourse.checks import expect_array, expect_close, expect_float

SEQUENCE = ("The likelihood of one sequence of flips is theta**heads * (1 - theta)**tails: no "
            "binomial coefficient.")
ZERO_LOG_ZERO = ("0*log(0) counts as 0 (0**0 == 1): a count of zero adds nothing, while data "
                 "that theta makes impossible give -inf, never nan.")


@pytest.mark.parametrize(("theta", "heads", "tails"), [(0.8, 4, 1), (0.3, 2, 5), (0.6, 1, 0)],
                         ids=["the source's coin", "two heads and five tails", "a single head"])
def test_log_likelihood_is_heads_log_theta_plus_tails_log_one_minus_theta(theta, heads, tails):
    call = f"log_likelihood({theta}, {heads}, {tails})"
    got = expect_float(log_likelihood(theta, heads, tails), call=call)
    expect_close(got, heads * math.log(theta) + tails * math.log(1 - theta), call=call,
                 concept=SEQUENCE)


@pytest.mark.parametrize(("theta", "heads", "tails", "expected"), [
    (1.0, 5, 0, 0.0), (0.0, 0, 4, 0.0), (0.0, 0, 0, 0.0),
    (0.0, 3, 0, -math.inf), (1.0, 0, 2, -math.inf),
], ids=["theta 1 with heads only is certain", "theta 0 with tails only is certain",
        "no flips at all are certain", "theta 0 cannot give heads", "theta 1 cannot give tails"])
def test_zero_times_log_zero_counts_as_zero_and_impossible_data_give_minus_infinity(
        theta, heads, tails, expected):
    expect_close(log_likelihood(theta, heads, tails), expected,
                 call=f"log_likelihood({theta}, {heads}, {tails})", concept=ZERO_LOG_ZERO)


def test_an_array_of_thetas_gives_a_float64_array_of_the_same_shape():
    thetas = np.array([[0.25, 0.75], [1.0, 0.5]])
    expect_array(log_likelihood(thetas, 3, 0), 3 * np.log(thetas),
                 call="log_likelihood(np.array([[0.25, 0.75], [1.0, 0.5]]), 3, 0)",
                 concept="Each theta gets its own log-likelihood, in an ndarray of theta's shape.")
    expect_array(log_likelihood([0.0, 0.5], 1, 1), [-math.inf, 2 * math.log(0.5)],
                 call="log_likelihood([0.0, 0.5], 1, 1)",
                 concept="A list is array-like: return an ndarray, with -inf where the data are "
                         "impossible.")


@pytest.mark.parametrize("theta", [-0.5, 1.01, math.nan, [0.5, 2.0]],
                         ids=["below 0", "just above 1", "nan", "an array with one bad theta"])
def test_log_likelihood_refuses_theta_outside_zero_one(refuses, theta):
    refuses(log_likelihood, theta, 2, 2, names="theta",
            concept="theta is a probability: it must lie in [0, 1].")


@pytest.mark.parametrize(("heads", "tails", "expected"), [
    (7, 3, 0.7), (1, 2, 1 / 3), (0, 6, 0.0), (4, 4, 0.5),
], ids=["seven of ten", "one of three, not rounded", "no heads", "an even split"])
def test_mle_is_heads_over_all_flips_unrounded(heads, tails, expected):
    call = f"mle({heads}, {tails})"
    got = expect_float(mle(heads, tails), call=call)
    expect_close(got, expected, rel=1e-12, call=call,
                 concept="The MLE of a coin is heads / (heads + tails), unrounded.")


def test_no_flips_leave_the_mle_undefined(refuses):
    refuses(mle, 0, 0, names=None,
            concept="With no flips heads / (heads + tails) is 0/0: the MLE is undefined, so "
                    "raise instead of dividing.")


@pytest.mark.parametrize(("heads", "tails", "name"), [
    (-2, 1, "heads"), (1, -1, "tails"), (1.5, 2, "heads"), (2, math.nan, "tails"),
    (math.inf, 1, "heads"),
], ids=["negative heads", "negative tails", "fractional heads", "nan tails", "infinite heads"])
def test_flip_counts_are_non_negative_whole_numbers(refuses, heads, tails, name):
    refuses(mle, heads, tails, names=name, concept="Flip counts are non-negative whole numbers.")


def test_mle_takes_whole_floats_and_numpy_integers_as_counts():
    expect_close(mle(2.0, 6.0), 0.25, call="mle(2.0, 6.0)",
                 concept="A float with a whole value such as 2.0 is a valid count.")
    expect_close(mle(np.int32(3), np.int32(1)), 0.75, call="mle(np.int32(3), np.int32(1))",
                 concept="A numpy integer is a valid count.")


@pytest.mark.parametrize(("heads", "tails", "grid_size", "expected"), [
    (2, 8, None, 0.2), (1, 2, 11, 0.3), (5, 0, 3, 1.0),
], ids=["the default grid of 1001 points holds 0.2", "1/3 is not on a grid of 11 points",
        "heads only on three points"])
def test_grid_mle_is_the_grid_point_with_the_largest_log_likelihood(heads, tails, grid_size,
                                                                    expected):
    if grid_size is None:
        got, call = grid_mle(heads, tails), f"grid_mle({heads}, {tails})"
    else:
        got, call = grid_mle(heads, tails, grid_size), f"grid_mle({heads}, {tails}, {grid_size})"
    expect_float(got, call=call)
    expect_close(got, expected, call=call,
                 concept="grid_mle returns the point of np.linspace(0, 1, grid_size) with the "
                         "largest log-likelihood; grid_size is 1001 unless given.")


@pytest.mark.parametrize(("heads", "tails", "grid_size"), [(0, 0, 7), (3, 2, 2)],
                         ids=["no flips: every point ties", "both ends impossible: -inf ties"])
def test_grid_mle_breaks_ties_toward_the_smallest_theta(heads, tails, grid_size):
    expect_close(grid_mle(heads, tails, grid_size), 0.0,
                 call=f"grid_mle({heads}, {tails}, {grid_size})",
                 concept="Every grid point ties here; a tie goes to the smallest theta "
                         "(np.argmax keeps the first).")


@pytest.mark.parametrize("grid_size", [1, 0, -2], ids=["one point", "no points", "negative"])
def test_a_grid_needs_at_least_two_points(refuses, grid_size):
    refuses(grid_mle, 4, 1, grid_size, names="grid_size",
            concept="np.linspace(0, 1, grid_size) needs grid_size >= 2 to hold both ends.")
