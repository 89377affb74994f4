"""pytest's and hypothesis' internals that fast grading uses, behind one door.

Grading a class is fast because a worker collects the hidden suites once and runs them
again for every submission (pytest's configuration and session made by hand, its
per-test protocol called directly), calls a plain test without that protocol (knowing
which arguments pytest would pass it), and replays the examples hypothesis drew on the
reference solutions (through the property test's undecorated body). None of that is
pytest's or hypothesis' public API, and no other module touches it.

At import, `FAST` says whether every piece is where this module expects it. When one is
missing or changed (a new pytest or hypothesis), or `$MAPCOURSE_PUBLIC_PYTEST` is set,
grading takes the public road instead: `pytest.main` for each stage of each submission,
hypothesis drawing its own examples. An upgrade then makes grading slower, never wrong;
`WHY_NOT_FAST` says what was missing.

One more internal is not about speed: hypothesis' local constants, which would make its
draws depend on what else the process imported (`draw_from_the_suite_alone`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import pytest

PUBLIC_ONLY = "MAPCOURSE_PUBLIC_PYTEST"  # set (to anything but "" or "0"): never the fast path


def missing_internals() -> str:
    """What the fast path needs and this pytest or hypothesis lacks; "" when nothing."""
    try:
        from _pytest.config import _prepareconfig  # noqa: F401
        from _pytest.fixtures import FuncFixtureInfo
        from _pytest.runner import runtestprotocol  # noqa: F401
        from hypothesis import given
        from hypothesis import strategies as st
        from hypothesis.errors import UnsatisfiedAssumption  # noqa: F401
    except ImportError as error:
        return str(error)  # "cannot import name ... from ...", "No module named ..."
    for owner, name in ((pytest.Config, "_do_configure"), (pytest.Config, "_ensure_unconfigure"),
                        (pytest.Session, "from_config"), (FuncFixtureInfo, "argnames")):
        if not hasattr(owner, name):
            return f"{owner.__name__}.{name} is gone"

    def body(value: int) -> None:
        """A property test's body, to see that hypothesis still hands it over."""

    try:
        handle = given(st.just(0))(body).hypothesis
        handle.inner_test = handle.inner_test
    except AttributeError:
        return "a @given test no longer has .hypothesis.inner_test"
    return "" if handle.inner_test is body else "hypothesis' inner_test is not the test's body"


def _fast() -> tuple[bool, str]:
    if os.environ.get(PUBLIC_ONLY, "") not in ("", "0"):
        return False, f"${PUBLIC_ONLY} is set"
    missing = missing_internals()
    return not missing, missing


FAST, WHY_NOT_FAST = _fast()


class CollectedSession:
    """The hidden suites configured and collected once, as `pytest.main` would, kept open
    so that their tests run again for every submission (`run_protocol`), then `close`d."""

    def __init__(self, args: Sequence[str], plugins: Sequence[object]) -> None:
        from _pytest.config import _prepareconfig

        self.config = _prepareconfig(list(args), list(plugins))
        try:
            self.config._do_configure()
            self.session = pytest.Session.from_config(self.config)
            self.config.hook.pytest_sessionstart(session=self.session)
            self.config.hook.pytest_collection(session=self.session)
        except BaseException:
            self.config._ensure_unconfigure()
            raise

    @property
    def items(self) -> list[pytest.Item]:
        return self.session.items

    def run_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """pytest's per-test protocol (setup, call, teardown and their hooks), unlogged."""
        from _pytest.runner import runtestprotocol

        runtestprotocol(item, log=False, nextitem=nextitem)

    def close(self) -> None:
        try:
            self.config.hook.pytest_sessionfinish(session=self.session,
                                                  exitstatus=pytest.ExitCode.OK)
        finally:
            self.config._ensure_unconfigure()


def declared_arguments(item: pytest.Function) -> tuple[str, ...] | None:
    """The arguments pytest passes a test function (no defaulted ones), or None if unknown."""
    info = getattr(item, "_fixtureinfo", None)
    return None if info is None else tuple(info.argnames)


def inner_test(test: Callable[..., Any]) -> Callable[..., Any]:
    """A @given test's undecorated body: the drawn examples are its keyword arguments."""
    return test.hypothesis.inner_test


def set_inner_test(test: Callable[..., Any], body: Callable[..., Any]) -> None:
    """Make hypothesis call `body` in place of the @given test's own body."""
    test.hypothesis.inner_test = body


def unsatisfied_assumption() -> type[BaseException]:
    """The exception `assume(False)` raises inside a test's body."""
    from hypothesis.errors import UnsatisfiedAssumption

    return UnsatisfiedAssumption


def draw_from_the_suite_alone() -> None:
    """Make hypothesis' examples depend on the hidden suite alone, not on what is imported.

    Recent hypothesis versions mix into their draws constants read from the source of
    every "local" (not installed) module loaded in the process: the reference
    solutions, an editable install of this package, a notebook's helpers. The same
    suite would then draw different examples in `mapcourse grade`, in an nbgrader
    kernel and on a student's laptop; a grade must not depend on that. The switch is
    internal to hypothesis; where it does not exist there is nothing to turn off.
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - an older layout: no local constants
        return
    if hasattr(providers, "_get_local_constants") and hasattr(providers, "Constants"):
        nothing = providers.Constants()
        providers._get_local_constants = lambda: nothing
        providers.CONSTANTS_CACHE.cache.clear()
