"""Property tests replayed: hypothesis' examples drawn once per run, not once per submission.

The grading profile derandomizes hypothesis, so a hidden property test draws the same
examples for every submission, in the same order, up to the first example that fails
(the engine's next draw depends only on how the earlier examples went, and every one of
them passed). Grading a class therefore starts by running the hidden property tests on the
reference solutions while recording what each property test was called with; each
submission then gets exactly those examples, stopping at its first failure. The verdict
and the message are the ones hypothesis would give, without the engine's cost per
example, which is most of the time a test takes.

A test whose reference run did not pass is not recorded and keeps running through
hypothesis, as does a test that calls `assume` (and the like, which need hypothesis
around the example) and everything when the course has no solutions to record from.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any

import pytest

from mapcourse.grading import internals

Examples = Mapping[str, tuple[dict[str, Any], ...]]
"""The drawn arguments of each recorded property test, by pytest node id, in order."""


def is_property_test(item: pytest.Item) -> bool:
    return hasattr(getattr(item, "obj", None), "hypothesis")


def fixture_arguments(item: pytest.Function) -> dict[str, Any]:
    """What pytest passes the test: its fixtures and parameters (not hypothesis' draws)."""
    return {name: item.funcargs[name] for name in inspect.signature(item.obj).parameters}


_CONTEXT_ONLY = frozenset({"assume", "reject", "note", "event", "target"})


def needs_hypothesis(test: Callable[..., Any]) -> bool:
    """Whether the test, or a function of its module that it calls, uses `assume`,
    `reject`, `note`, `event` or `target`: those need hypothesis to run the example."""
    seen: set[int] = set()
    stack = [test]
    while stack:
        function = stack.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        names = _names(function.__code__)
        if names & _CONTEXT_ONLY:
            return True
        scope = function.__globals__
        stack += [scope[name] for name in names if inspect.isfunction(scope.get(name))]
    return False


def _names(code: CodeType) -> set[str]:
    """The global and attribute names a code object and its nested functions use."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names(constant)
    return names


class Recorder:
    """A pytest plugin: remembers each property test's draws when the test passes."""

    def __init__(self) -> None:
        self.examples: dict[str, tuple[dict[str, Any], ...]] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> object:
        if not is_property_test(item) or needs_hypothesis(internals.inner_test(item.obj)):
            return (yield)
        inner = internals.inner_test(item.obj)
        given = set(inspect.signature(inner).parameters) - set(fixture_arguments(item))
        calls: list[dict[str, Any]] = []

        @functools.wraps(inner)  # the same source and signature: the same derandomized seed
        def recording(*args: Any, **kwargs: Any) -> Any:
            calls.append(copy.deepcopy({k: v for k, v in kwargs.items() if k in given}))
            return inner(*args, **kwargs)

        internals.set_inner_test(item.obj, recording)
        try:
            result = yield
        finally:
            internals.set_inner_test(item.obj, inner)
        self.examples[item.nodeid] = tuple(calls)  # reached only when the test passed
        return result


def replay(inner: Callable[..., Any], arguments: Mapping[str, Any],
           examples: tuple[dict[str, Any], ...]) -> None:
    """Call a property test's body on each recorded example; the first failure propagates.

    `inner` is the test's undecorated body, `arguments` its fixtures and parameters.
    """
    unsatisfied = internals.unsatisfied_assumption()
    for drawn in examples:
        try:
            inner(**arguments, **copy.deepcopy(drawn))
        except unsatisfied:
            continue
