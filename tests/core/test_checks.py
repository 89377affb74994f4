"""Checks fail with messages that teach, and never accept what they cannot judge."""

import math

import numpy as np
import pytest

from mapcourse.checks import CheckFailed, expect_array, expect_close, expect_float, expect_raises
from mapcourse.sandbox.handle import LocalHandle
from mapcourse.sandbox.protocol import Opaque


def test_close_numbers_pass_and_far_ones_say_what_and_why():
    expect_close(0.75 + 1e-13, 0.75, call="mle(3, 1)")
    with pytest.raises(CheckFailed, match=r"mle\(3, 1\) returned 0.6; expected 0.75. Heads"):
        expect_close(0.6, 0.75, call="mle(3, 1)", concept="Heads over flips.")


@pytest.mark.parametrize("got", [math.nan, Opaque("Liar"), "0.75", None, True, [0.75]],
                         ids=["nan", "opaque", "string", "None", "bool", "list"])
def test_expect_close_refuses_what_is_not_a_number(got):
    with pytest.raises(CheckFailed):
        expect_close(got, 0.75, call="f()")


def test_minus_infinity_must_match_exactly():
    expect_close(-math.inf, -math.inf, call="f()")
    with pytest.raises(CheckFailed):
        expect_close(-1e308, -math.inf, call="f()")


def test_expect_float_takes_numpy_float64_but_not_int():
    expect_float(np.float64(0.5), call="f()")
    with pytest.raises(CheckFailed, match="Python float"):
        expect_float(1, call="f()")


def test_arrays_must_match_type_dtype_shape_and_values():
    expect_array(np.array([1.0, 2.0]), [1.0, 2.0], call="f()")
    for got in ([1.0, 2.0], np.array([1, 2]), np.array([[1.0, 2.0]]), np.array([1.0, 2.1])):
        with pytest.raises(CheckFailed):
            expect_array(got, [1.0, 2.0], call="f()")


def refuse(message, kind=ValueError):
    """A student handle whose f() raises kind(message)."""
    def function():
        raise kind(message)
    return LocalHandle({"f": function})


def test_raises_needs_the_right_type_and_the_argument_named_as_a_word():
    expect_raises(ValueError, refuse("b must be > 0").f, call="f()", names="b")
    with pytest.raises(CheckFailed, match="whose message names 'b', the offending argument"):
        expect_raises(ValueError, refuse("bad value").f, call="f()", names="b")
    with pytest.raises(CheckFailed, match="raised TypeError"):
        expect_raises(ValueError, refuse("b", TypeError).f, call="f()", names="b")
    with pytest.raises(CheckFailed, match="returned 1"):
        expect_raises(ValueError, LocalHandle({"f": lambda: 1}).f, call="f()", names="b")


@pytest.mark.parametrize("message", [
    "`theta`=1.5 is not a probability", "Theta must lie in [0, 1]", "theta's value 1.5",
    "got THETA = nan",
], ids=["in backticks", "capitalised at the start", "possessive", "upper case"])
def test_a_culprit_named_in_any_wording_or_case_passes(message):
    expect_raises(ValueError, refuse(message).f, call="f()", names="theta",
                  concept="theta is a probability.")


@pytest.mark.parametrize(("message", "name"), [
    ("thetas must lie in [0, 1]", "theta"), ("A must be > 0", "a"), ("lambda < 0", "lam"),
], ids=["a longer word", "one letter in another case", "a word that starts with it"])
def test_a_culprit_only_inside_another_word_or_case_is_not_named(message, name):
    with pytest.raises(CheckFailed, match=f"names '{name}'.*theta is a probability"):
        expect_raises(ValueError, refuse(message).f, call="f()", names=name,
                      concept="theta is a probability.")


def test_names_none_checks_the_type_only_where_no_argument_is_at_fault():
    for message in ("nothing observed", "", "bimodal posterior"):
        expect_raises(ValueError, refuse(message).f, call="mle(0, 0)", names=None)
    with pytest.raises(CheckFailed, match=r"raised ZeroDivisionError.*ValueError \(any message\)"):
        expect_raises(ValueError, refuse("division by zero", ZeroDivisionError).f,
                      call="mle(0, 0)", names=None)
    with pytest.raises(CheckFailed, match=r"returned nan; expected it to raise ValueError "
                                          r"\(any message\). No flips"):
        expect_raises(ValueError, LocalHandle({"f": lambda: math.nan}).f, call="mle(0, 0)",
                      names=None, concept="No flips: the MLE is undefined.")
