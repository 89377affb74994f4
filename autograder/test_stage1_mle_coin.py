"""Hidden suite, stage 1: maximum likelihood for a coin (10 points)."""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mapcourse.checks import expect_array, expect_close, expect_float, expect_raises
from mapcourse.reference import reference

solution = reference("stage1_mle_coin")

counts = st.integers(min_value=0, max_value=10**6)
SEQUENCE = "a sequence likelihood is theta**heads * (1 - theta)**tails, with no binomial factor"


@pytest.mark.points(1)
@pytest.mark.parametrize(("theta", "heads", "tails"), [
    (0.5, 3, 1), (0.8, 4, 1), (0.25, 0, 2), (0.9, 7, 0), (1e-300, 1, 1), (0.5, 10**7, 10**7),
], ids=["fair", "source's coin", "tails only", "heads only", "tiny theta", "ten million flips"])
def test_log_likelihood_is_the_sum_of_log_probabilities(student, theta, heads, tails):
    got = student.log_likelihood(theta, heads, tails)
    expected = heads * math.log(theta) + tails * math.log1p(-theta)
    expect_close(got, expected, rel=1e-9, call=f"log_likelihood({theta}, {heads}, {tails})",
                 concept="The log-likelihood is heads*log(theta) + tails*log(1 - theta): "
                         f"{SEQUENCE}.")


@pytest.mark.points(2)
@pytest.mark.parametrize(("theta", "heads", "tails", "expected"), [
    (1.0, 3, 0, 0.0), (0.0, 0, 3, 0.0), (1.0, 0, 0, 0.0), (0.0, 0, 0, 0.0),
    (0.0, 2, 1, -math.inf), (1.0, 2, 1, -math.inf), (0.0, 1, 0, -math.inf),
], ids=["theta 1, no tails", "theta 0, no heads", "theta 1, no flips", "theta 0, no flips",
        "theta 0 with heads", "theta 1 with tails", "theta 0, one head"])
def test_log_likelihood_counts_zero_times_log_zero_as_zero(student, theta, heads, tails,
                                                           expected):
    got = student.log_likelihood(theta, heads, tails)
    expect_close(got, expected, call=f"log_likelihood({theta}, {heads}, {tails})",
                 concept="0*log(0) counts as 0 (0**0 == 1): a count of zero adds nothing, while "
                         "data that theta makes impossible give -inf, never nan.")


@pytest.mark.points(1)
def test_log_likelihood_of_an_array_keeps_its_shape(student):
    thetas = np.array([[0.0, 0.25], [0.5, 1.0]])
    got = student.log_likelihood(thetas, 2, 1)
    expect_array(got, solution.log_likelihood(thetas, 2, 1), rtol=1e-9,
                 call="log_likelihood(<2x2 array>, 2, 1)",
                 concept="An array of thetas gives an array of the same shape, -inf where "
                         "the data are impossible.")
    got = student.log_likelihood([0.2, 0.6], 1, 1)
    expect_array(got, solution.log_likelihood([0.2, 0.6], 1, 1), rtol=1e-9,
                 call="log_likelihood([0.2, 0.6], 1, 1)",
                 concept="A list of thetas is array-like: return an ndarray.")


@pytest.mark.points(1)
@pytest.mark.parametrize("theta", [-0.1, 1.5, math.nan], ids=["below 0", "above 1", "nan"])
def test_log_likelihood_refuses_theta_outside_the_unit_interval(student, theta):
    expect_raises(ValueError, lambda: student.log_likelihood(theta, 1, 1),
                  call=f"log_likelihood({theta}, 1, 1)", names="theta",
                  concept="theta is a probability: it must lie in [0, 1].")


@pytest.mark.points(1)
@given(heads=counts, tails=counts)
@example(heads=0, tails=5)
def test_mle_is_the_fraction_of_heads(student, heads, tails):
    if heads + tails == 0:
        expect_raises(ValueError, lambda: student.mle(0, 0), call="mle(0, 0)", names=None,
                      concept="With no flips heads / (heads + tails) is 0/0: the MLE is "
                              "undefined, so raise instead of dividing.")
        return
    got = student.mle(heads, tails)
    expect_float(got, call=f"mle({heads}, {tails})")
    expect_close(got, heads / (heads + tails), rel=1e-12, call=f"mle({heads}, {tails})",
                 concept="The MLE of a coin is heads / (heads + tails).")


@pytest.mark.points(1)
@pytest.mark.parametrize(("heads", "tails", "name"), [
    (-1, 2, "heads"), (2, -3, "tails"), (2.5, 1, "heads"), (1, math.inf, "tails"),
    (math.nan, 1, "heads"),
], ids=["negative heads", "negative tails", "fractional heads", "infinite tails", "nan heads"])
def test_counts_must_be_non_negative_whole_numbers(student, heads, tails, name):
    expect_raises(ValueError, lambda: student.mle(heads, tails), call=f"mle({heads}, {tails})",
                  names=name, concept="Flip counts are non-negative whole numbers.")


@pytest.mark.points(1)
def test_whole_valued_floats_and_numpy_integers_are_counts(student):
    expect_close(student.mle(3.0, 1.0), 0.75, call="mle(3.0, 1.0)",
                 concept="A float with a whole value such as 3.0 is a valid count.")
    expect_close(student.mle(np.int64(1), np.int64(3)), 0.25, call="mle(np.int64(1), np.int64(3))",
                 concept="A numpy integer is a valid count.")


@pytest.mark.points(1)
@given(heads=st.integers(0, 200), tails=st.integers(0, 200),
       grid_size=st.sampled_from([2, 3, 11, 101, 1001]))
@example(heads=3, tails=1, grid_size=None)  # the default grid
def test_grid_mle_is_the_best_grid_point(student, heads, tails, grid_size):
    grid = np.linspace(0, 1, 1001 if grid_size is None else grid_size)
    log_lik = solution.log_likelihood(grid, heads, tails)
    best = log_lik.max()
    near_best = grid[np.isclose(log_lik, best, rtol=1e-12, atol=1e-12) | (log_lik == best)]
    if grid_size is None:
        got, call = student.grid_mle(heads, tails), f"grid_mle({heads}, {tails})"
    else:
        got = student.grid_mle(heads, tails, grid_size)
        call = f"grid_mle({heads}, {tails}, {grid_size})"
    expect_float(got, call=call)
    expected = float(near_best[0])
    if not any(math.isclose(got, candidate, abs_tol=1e-15) for candidate in near_best):
        expect_close(got, expected, call=call,
                     concept="grid_mle returns the point of np.linspace(0, 1, grid_size) with "
                             "the largest log-likelihood, the smallest one on a tie; "
                             "grid_size is 1001 unless given.")


@pytest.mark.points(1)
def test_grid_mle_breaks_ties_toward_the_smallest_theta_and_needs_two_points(student):
    for heads, tails, grid_size in [(0, 0, 5), (1, 1, 2), (0, 0, 2)]:
        expect_close(student.grid_mle(heads, tails, grid_size), 0.0,
                     call=f"grid_mle({heads}, {tails}, {grid_size})",
                     concept="Every grid point ties here; a tie goes to the smallest theta "
                             "(np.argmax already keeps the first).")
    for grid_size in (1, 0, -4):
        expect_raises(ValueError, lambda size=grid_size: student.grid_mle(3, 1, size),
                      call=f"grid_mle(3, 1, {grid_size})", names="grid_size",
                      concept="A grid needs at least 2 points.")
