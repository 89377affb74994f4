"""Checks that teach: each failure says what was expected, what came back, and why.

The hidden suites and the visible tests compare a student's answers with these
functions instead of bare `assert`, so a failure message never shows test source.
Values arrive as plain data (see `mapcourse.sandbox.protocol`); every check first
makes sure the value is of a type it can judge, and never trusts its methods.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any, NoReturn

import numpy as np

from mapcourse.sandbox.protocol import Opaque


class CheckFailed(AssertionError):
    """A student's answer is wrong; the message is written for the student."""


def fail(message: str) -> NoReturn:
    __tracebackhide__ = True  # a failure shows the student's call, not this check
    raise CheckFailed(message)


def show(value: Any) -> str:
    """A short, readable rendering of a value for a message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=8, separator=", ")
        return f"array({text}, dtype={value.dtype.name})" if value.dtype != float else text
    shown = getattr(type(value), "shown", None)  # a codec's value (a tensor's) shows itself
    if callable(shown):
        return shown(value, show)
    if isinstance(value, float | np.floating):
        return repr(float(value))
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _sentence(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part)


def is_real(value: Any) -> bool:
    """A real number: int or float (numpy's included), not bool and not an array."""
    return isinstance(value, Real | np.integer | np.floating) and not isinstance(value, bool)


def expect_float(got: Any, *, call: str, concept: str = "") -> float:
    """got is a Python float (numpy.float64 counts, being a float subclass)."""
    __tracebackhide__ = True
    if not isinstance(got, float):
        fail(_sentence(f"{call} returned {show(got)} of type {_type(got)}; expected a Python",
                       "float (wrap the result in float(...)).", concept))
    return float(got)


def expect_close(got: Any, expected: float, *, call: str, concept: str = "",
                 rel: float = 1e-9, abs_tol: float = 1e-12) -> None:
    """got is a real number within rel/abs_tol of expected (inf and nan must match exactly)."""
    __tracebackhide__ = True
    if not is_real(got):
        fail(_sentence(f"{call} returned {show(got)} of type {_type(got)}; expected the number",
                       f"{show(expected)}.", concept))
    got = float(got)
    if math.isnan(expected) or math.isinf(expected):
        matches = (math.isnan(got) and math.isnan(expected)) or got == expected
    else:
        matches = math.isfinite(got) and math.isclose(got, expected, rel_tol=rel,
                                                      abs_tol=abs_tol)
    if not matches:
        fail(_sentence(f"{call} returned {show(got)}; expected {show(expected)}.", concept))


def expect_array(got: Any, expected: Any, *, call: str, concept: str = "",
                 rtol: float = 1e-9, atol: float = 1e-12, dtype: str | None = "float64",
                 exact: bool = False) -> np.ndarray:
    """got is a numpy array of expected's shape (and dtype) whose values are close to it.

    Infinities must match exactly; nan anywhere in got is a failure unless expected has it.
    """
    __tracebackhide__ = True
    expected = np.asarray(expected)
    if not isinstance(got, np.ndarray):
        fail(_sentence(f"{call} returned {show(got)} of type {_type(got)}; expected a numpy",
                       f"array like {show(expected)}.", concept))
    if dtype is not None and got.dtype.name != dtype:
        fail(_sentence(f"{call} returned an array of dtype {got.dtype.name}; expected {dtype}",
                       f"(values like {show(expected)}).", concept))
    if got.shape != expected.shape:
        fail(_sentence(f"{call} returned an array of shape {got.shape}; expected shape",
                       f"{expected.shape}: {show(expected)}.", concept))
    if got.dtype.kind not in "biuf":
        fail(f"{call} returned an array of {got.dtype.name}; expected numbers.")
    matches = (np.array_equal(got, expected, equal_nan=True) if exact
               else np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True))
    if not matches:
        fail(_sentence(f"{call} returned {show(got)}; expected {show(expected)}.", concept))
    return got


def expect_equal(got: Any, expected: Any, *, call: str, concept: str = "") -> None:
    """got equals expected exactly; both are plain numbers, strings or tuples of them."""
    __tracebackhide__ = True
    if _type(got) not in _PLAIN or not _same_plain(got, expected):
        fail(_sentence(f"{call} returned {show(got)}; expected {show(expected)}.", concept))


_PLAIN = {"int", "float", "str", "bool", "tuple", "NoneType", "numpy.float64", "numpy.int64"}


def _same_plain(got: Any, expected: Any) -> bool:
    if isinstance(expected, tuple):
        return (isinstance(got, tuple) and len(got) == len(expected)
                and all(_same_plain(a, b) for a, b in zip(got, expected, strict=True)))
    if isinstance(expected, float) and is_real(got):
        return float(got) == expected or (math.isnan(expected) and math.isnan(float(got)))
    return type(got) is type(expected) and got == expected


def expect_raises(errors: type[Exception] | tuple[type[Exception], ...],
                  action: Callable[[], Any], *, call: str, names: str | Iterable[str] | None,
                  concept: str = "") -> None:
    """action() raises one of `errors` whose message names one of `names`.

    A name counts when it appears as a whole word (`theta=1.5`, "`theta` is ..."), in any
    case for names of two or more characters ("Theta must ...") and in its own case for
    one-character names (the article "A" is not the argument `a`).
    `names=None` checks the type only: use it where no single argument is at fault
    (`mle(0, 0)`, data impossible under every candidate), so any wording is right.
    """
    __tracebackhide__ = True
    from mapcourse.sandbox.handle import StudentException

    errors = errors if isinstance(errors, tuple) else (errors,)
    names = () if names is None else (names,) if isinstance(names, str) else tuple(names)
    expected = " or ".join(error.__name__ for error in errors)
    naming = " or ".join(repr(name) for name in names)
    wanted = f"{expected} whose message names {naming}" if names else f"{expected} (any message)"
    try:
        got = action()
    except StudentException as error:
        if not isinstance(error, errors):
            fail(_sentence(f"{call} raised {error.type_name}: {error}; expected a {wanted}.",
                           concept))
        if names and not any(_names_word(str(error), name) for name in names):
            fail(_sentence(f"{call} raised {error.type_name}({str(error)!r}); expected a",
                           f"{wanted}, the offending argument, so the caller knows what to",
                           "fix.", concept))
        return
    fail(_sentence(f"{call} returned {show(got)}; expected it to raise {wanted}.", concept))


def _names_word(message: str, name: str) -> bool:
    """Whether message mentions name as a whole word (ignoring case unless name is one letter)."""
    flags = re.IGNORECASE if len(name) > 1 else 0
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message,
                     flags) is not None


def expect(condition: bool, message: str) -> None:
    """A check with a hand-written message."""
    __tracebackhide__ = True
    if not condition:
        fail(message)


def _type(value: Any) -> str:
    if isinstance(value, Opaque):
        return value.type_name
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
