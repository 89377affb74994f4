"""The pytest plugin that runs the hidden suites against one submission.

It gives each hidden test the `student` fixture (the handle of the test module's
stage), applies the per-test time limit, and turns every test's outcome into a status
and a message written for the student: the message of a failed check, or a sentence
about the exception, never the test's source or a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from mapcourse import verdicts
from mapcourse.checks import CheckFailed
from mapcourse.grading import internals
from mapcourse.grading.replay import Examples, fixture_arguments, replay
from mapcourse.sandbox.handle import (
    FunctionMissing,
    StudentCrashed,
    StudentException,
    StudentHandle,
    StudentTimeout,
)
from mapcourse.sandbox.session import StageSession
from mapcourse.verdicts import Verdict

# Grading needs a verdict, not a minimal example: stop at the first failing example.
settings.register_profile(
    "grading",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    max_examples=40,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    report_multiple_bugs=False,
)


internals.draw_from_the_suite_alone()


class HiddenSuiteError(Exception):
    """A hidden suite is broken (does not collect, or its points do not add up)."""


class StageBudgetSpent(Exception):
    """A stage's tests ran past the stage's time budget: its remaining tests are not run."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"this stage's tests ran past its time budget of {budget:g} s, so "
                         "the rest of its tests were stopped")


@dataclass(frozen=True)
class CaseOutcome:
    """One collected test case (a parametrization of a test function) and how it went."""

    stage: str
    group: str
    points: float
    status: str
    message: str


def stage_of(path: str | Path) -> str:
    """The stage a hidden suite tests: test_stage1_mle_coin.py -> stage1_mle_coin."""
    return Path(path).stem.removeprefix("test_")


class GradingPlugin:
    """Collects outcomes of the hidden tests run against the given stage sessions."""

    def __init__(self, sessions: dict[str, StageSession], timeout: float | None,
                 examples: Examples | None = None) -> None:
        self.sessions = sessions
        self.timeout = timeout
        self.deadline = timeout  # the next test's: the timeout, or less of a stage's budget
        self.examples = examples or {}
        self.outcomes: list[CaseOutcome] = []
        self.collect_errors: list[str] = []
        self._points: dict[str, float] = {}

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> StudentHandle:
        """The handle of the stage this test module checks."""
        return self.sessions[stage_of(request.node.path)].handle

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "points(n): what the test group is worth")
        settings.load_profile("grading")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("points")
            if marker is None:
                self.collect_errors.append(f"{item.nodeid} has no points marker")
                continue
            self._points[item.nodeid] = float(marker.args[0])

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> object:
        session = self.sessions.get(stage_of(item.path))
        if session is not None:
            session.set_deadline(self.deadline)
        try:
            return (yield)
        finally:
            if session is not None:
                session.set_deadline(None)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        examples = self.examples.get(pyfuncitem.nodeid)  # only property tests are recorded
        if examples is None:
            return None  # pytest (and hypothesis) run it
        replay(internals.inner_test(pyfuncitem.obj), fixture_arguments(pyfuncitem), examples)
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> object:
        report = yield
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            self.record(item, call.excinfo.value if call.excinfo else None)
        return report

    def record(self, item: pytest.Item, error: BaseException | None) -> None:
        """The outcome of one test case: passed, or how it failed (`error`)."""
        status, message = classify(error)
        self.outcomes.append(CaseOutcome(stage_of(item.path),
                                         getattr(item, "originalname", item.name),
                                         self._points.get(item.nodeid, 0.0), status, message))

    def run_directly(self, item: pytest.Function, arguments: dict[str, object]) -> None:
        """Call a test as pytest's own protocol would, without its per-test machinery.

        For a test that takes only `student` and its parameters and carries no mark but
        `points`, `parametrize` and hypothesis' own (see `direct_arguments`): the same call
        (`test(**arguments)`, or the recorded examples replayed), the same deadline,
        the same outcome. Setting up fixtures and calling a dozen hooks per test would
        cost more than most tests.
        """
        session = self.sessions[stage_of(item.path)]
        values = {name: session.handle if value is STUDENT else value
                  for name, value in arguments.items()}
        error: BaseException | None = None
        session.set_deadline(self.deadline)
        try:
            examples = self.examples.get(item.nodeid)
            if examples is None:
                item.obj(**values)
            else:
                replay(internals.inner_test(item.obj), values, examples)
        except KeyboardInterrupt:
            raise
        except BaseException as failure:  # noqa: BLE001 - pytest records these too
            error = failure
        finally:
            session.set_deadline(None)
        self.record(item, error)


STUDENT = object()
"""Stands for the `student` fixture among a test's arguments in `direct_arguments`."""


def direct_arguments(item: pytest.Item) -> dict[str, object] | None:
    """What `run_directly` calls the test with (STUDENT for the handle), or None.

    None when the test needs pytest at run time: another fixture, a skip or xfail mark.
    """
    if not isinstance(item, pytest.Function):
        return None
    params = item.callspec.params if hasattr(item, "callspec") else {}
    if not set(item.fixturenames) <= {"student", "request", *params}:  # request: always there
        return None
    marks = {mark.name for mark in item.iter_markers()}
    if not marks <= {"points", "parametrize", "hypothesis"}:  # hypothesis marks @given tests
        return None
    passed = internals.declared_arguments(item)
    if passed is None or not set(passed) <= {"student", *params}:
        return None
    return {name: STUDENT if name == "student" else params[name] for name in passed}


def classify(error: BaseException | None) -> Verdict:
    """A hidden test's status and the student's message for the exception it ended with."""
    return verdicts.classify(error, _graders_own, _not_the_students)


def _graders_own(error: BaseException) -> Verdict | None:
    """The checks' failures, and what the sandbox raises for the student's code."""
    if isinstance(error, CheckFailed):
        return "failed", str(error)
    if isinstance(error, StageBudgetSpent):
        return "timeout", (f"{error}. Look for a loop that never ends, or work that grows far "
                           "too fast with the input.")
    if isinstance(error, StudentTimeout):
        return "timeout", (f"{error} and was stopped. Look for a loop that never ends, or work "
                           "that grows far too fast with the input.")
    if isinstance(error, FunctionMissing):
        return "error", f"{error}: define it with exactly this name."
    if isinstance(error, StudentCrashed):
        return "error", str(error)
    if isinstance(error, StudentException):
        return "error", f"{error.call} raised {error.type_name}: {error}"
    return None


def _not_the_students(error: BaseException) -> Verdict:
    """Any other exception came from the test itself: the student's arrive as StudentException."""
    return "error", (f"the test could not check the answer ({type(error).__name__}: "
                     f"{str(error)[:300]})")
