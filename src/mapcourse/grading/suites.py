"""The hidden suites, collected once and run against each submission's stages.

`HiddenSuites` is the one place pytest runs a hidden suite: `mapcourse grade` (one
collection per grading worker), recording the property tests' examples on the reference
solutions, and an nbgrader test cell. Outcomes go to the `GradingPlugin`; scoring them is
`mapcourse.grading.runner`'s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import time
from collections.abc import Callable, Iterator, Sequence

import pytest

from mapcourse.grading import internals
from mapcourse.grading.plugin import (
    CaseOutcome,
    GradingPlugin,
    HiddenSuiteError,
    StageBudgetSpent,
    classify,
    direct_arguments,
    stage_of,
)
from mapcourse.grading.replay import Examples
from mapcourse.manifest import Course
from mapcourse.sandbox.session import StageSession

PYTEST_ARGS = ("-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:warnings",
               "-p", "no:faulthandler", "-p", "no:terminal", "-p", "no:unraisableexception",
               "-p", "no:threadexception", "-p", "no:legacypath", "-p", "no:doctest",
               "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:nose", "-p", "no:logging",
               "-p", "no:capture", "--assert=plain",
               "--import-mode=importlib", "-o", "addopts=", "-o", "python_files=test_*.py")

class HiddenSuites:
    """The hidden suites, collected once and run again for each submission.

    Configuring pytest and collecting six suites takes more than a tenth of a second,
    and pytest's per-test protocol (fixtures, setup, call, teardown, a dozen hooks)
    about a millisecond per test, more than most hidden tests need: a grading worker
    collects the suites once for all the submissions it grades, and calls each test
    that takes only `student` and its parameters directly (`GradingPlugin.run_directly`:
    the same call, deadline and outcome). A test that needs more of pytest (another
    fixture, a skip mark), and every test when other plugins are given, goes through
    pytest's protocol as `pytest.main` would run it. Nothing is kept between
    submissions: `student` is function-scoped, and the suites hold no state.

    All of that uses pytest's internals (`mapcourse.grading.internals`). Where they are
    not as expected, each `run` is a `pytest.main` of the stages' suites instead, every
    test through pytest's protocol and hypothesis drawing its own examples: the same
    outcomes, more slowly.

    Once a case of a group has timed out, the group's other cases are not run: the
    group has lost its points, and a timeout is the worst status, so its result and
    message are already final (`score_groups`). A submission that hangs then costs one
    time limit per group, not one per case.

    With a `stage_budget` (seconds), a stage's tests together get at most that long:
    a test starting with less of the budget left than the timeout gets only what is
    left, and once it is spent the stage's remaining tests fail without running
    (`StageBudgetSpent`). A submission that hangs everywhere then costs about one
    budget per stage, whatever the number of groups.
    """

    def __init__(self, course: Course, timeout: float | None,
                 examples: Examples | None = None, extra_plugins: Sequence[object] = (),
                 stages: Sequence[str] | None = None,
                 stage_budget: float | None = None) -> None:
        """Collect the suites of `stages` (stage ids; all stages when None)."""
        self.course = course
        self.timeout, self.stage_budget = timeout, stage_budget
        self.plugin = GradingPlugin({}, timeout, examples if internals.FAST else None)
        self.extra_plugins = list(extra_plugins)
        suites = [course.hidden_suite(stage) for stage in course.stages
                  if stages is None or stage.id in stages]
        if absent := [str(suite) for suite in suites if not suite.is_file()]:
            raise HiddenSuiteError(f"no hidden suite at {', '.join(absent)}")
        self.args = [*PYTEST_ARGS, "-c", str(course.hidden_tests_dir / "pytest.ini"),
                     "--rootdir", str(course.hidden_tests_dir)]
        self.collected: internals.CollectedSession | None = None
        self._direct: dict[str, dict[str, object] | None] = {}
        if not internals.FAST:
            return  # every run is a pytest.main of its stages' suites
        with _quiet():
            self.collected = internals.CollectedSession([*self.args, *map(str, suites)],
                                                        [self.plugin, *extra_plugins])
        if self.plugin.collect_errors:
            self.close()
            raise HiddenSuiteError("hidden suites did not collect: "
                                   + "; ".join(self.plugin.collect_errors))
        # Other plugins hook into pytest's per-test protocol: with them, every test takes it.
        self._direct = {item.nodeid: None if extra_plugins else direct_arguments(item)
                        for item in self.collected.items}

    @property
    def session(self) -> pytest.Session:
        """The collected pytest session (only on the fast path)."""
        if self.collected is None:
            raise AttributeError("the hidden suites run through pytest.main: no session kept")
        return self.collected.session

    def run(self, sessions: dict[str, StageSession],
            select: Callable[[pytest.Item], bool] | None = None) -> list[CaseOutcome]:
        """Run the tests of the given stages against their sessions, in the suites' order.

        With `select`, only the tests it selects (and the stages' points are not checked).
        """
        self.plugin.sessions = sessions
        self.plugin.outcomes = []
        if self.collected is None:
            self._run_main(sessions, select)
        else:
            with _quiet():
                self._run_items([item for item in self.collected.items
                                 if stage_of(item.path) in sessions
                                 and (select is None or select(item))],
                                self.collected.run_protocol)
        outcomes, self.plugin.outcomes, self.plugin.sessions = self.plugin.outcomes, [], {}
        for stage_id in sessions if select is None else ():
            total = sum({o.group: o.points for o in outcomes if o.stage == stage_id}.values())
            if total != self.course.stage(stage_id).points:
                raise HiddenSuiteError(f"the hidden suite of {stage_id} is worth {total} "
                                       f"points, not {self.course.stage(stage_id).points}")
        return outcomes

    def _run_items(self, items: list[pytest.Item],
                   protocol: Callable[[pytest.Item, pytest.Item | None], object]) -> None:
        """Run `items` in order: each directly or by `protocol(item, nextitem)`, each with
        its deadline, within its stage's budget; outcomes go to the plugin."""
        through_protocol = [item for item in items if self._direct.get(item.nodeid) is None]
        after = dict(zip(through_protocol, [*through_protocol[1:], None], strict=False))
        timed_out: set[tuple[str, str]] = set()
        started: dict[str, float] = {}
        for item in items:
            stage = stage_of(item.path)
            left = self._budget_left(started.setdefault(stage, time.monotonic()))
            if left is not None and left <= 0:
                self.plugin.record(item, StageBudgetSpent(self.stage_budget))
                continue
            shortened = left is not None and (self.timeout is None or left < self.timeout)
            self.plugin.deadline = left if shortened else self.timeout
            recorded = len(self.plugin.outcomes)
            arguments = self._direct.get(item.nodeid)
            group = (stage, item.originalname)
            # A group stops at its first timeout, called directly or on the public road (as
            # the fast road would run it); other plugins on the fast road see every case.
            stops = arguments is not None or self.collected is None
            if arguments is None and not (stops and group in timed_out):
                protocol(item, after[item])
            elif arguments is not None and group not in timed_out:
                self.plugin.run_directly(item, arguments)
            if stops and self.plugin.outcomes[recorded:] and \
                    self.plugin.outcomes[-1].status == "timeout":
                timed_out.add(group)
            if shortened and self.plugin.outcomes[recorded:] and \
                    self.plugin.outcomes[-1].status == "timeout":  # stopped by the budget
                self.plugin.outcomes[-1] = self._spent(self.plugin.outcomes[-1])
        self.plugin.deadline = self.timeout

    def _run_main(self, sessions: dict[str, StageSession],
                  select: Callable[[pytest.Item], bool] | None) -> None:
        """The public road: one `pytest.main` of the given stages' suites."""
        suites = [str(self.course.hidden_suite(self.course.stage(stage_id)))
                  for stage_id in sessions]
        loop = _PublicLoop(self, select)
        self.plugin.collect_errors = []
        with _quiet():
            code = pytest.main([*self.args, *suites],
                               plugins=[self.plugin, loop, *self.extra_plugins])
        if loop.error is not None:
            raise loop.error
        if self.plugin.collect_errors:
            raise HiddenSuiteError("hidden suites did not collect: "
                                   + "; ".join(self.plugin.collect_errors))
        if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR,
                    pytest.ExitCode.INTERRUPTED):
            raise HiddenSuiteError(f"pytest could not run the hidden suites ({code.name})")

    def _budget_left(self, stage_started: float) -> float | None:
        if self.stage_budget is None:
            return None
        return self.stage_budget - (time.monotonic() - stage_started)

    def _spent(self, outcome: CaseOutcome) -> CaseOutcome:
        _status, message = classify(StageBudgetSpent(self.stage_budget))
        return dataclasses.replace(outcome, message=message)

    def close(self) -> None:
        collected, self.collected = self.collected, None
        if collected is not None:
            with _quiet():
                collected.close()

    def __enter__(self) -> HiddenSuites:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _PublicLoop:
    """A pytest plugin for `pytest.main`: runs the collected tests as `HiddenSuites` does
    (deadlines, the stage budget), each through pytest's public protocol hook."""

    def __init__(self, suites: HiddenSuites, select: Callable[[pytest.Item], bool] | None
                 ) -> None:
        self.suites, self.select = suites, select
        self.error: BaseException | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        if self.suites.plugin.collect_errors:
            return True  # nothing runs: HiddenSuiteError follows
        items = [item for item in session.items if self.select is None or self.select(item)]
        try:
            self.suites._run_items(items, lambda item, nextitem: item.ihook.pytest_runtest_protocol(
                item=item, nextitem=nextitem))
        except BaseException as error:  # noqa: BLE001 - raised again after pytest.main
            self.error = error
        return True


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """What the tests (or, in-process, a student's code) print goes nowhere."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield
