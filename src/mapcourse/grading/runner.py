"""Grading one submission: open its stages, run the hidden suites, score the groups.

A test group is one hidden test function with all its cases: it earns its points when
every case passes (the same rule as an nbgrader test cell, so both give equal scores).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from mapcourse.grading.plugin import CaseOutcome, GradingPlugin, HiddenSuiteError
from mapcourse.grading.replay import Examples
from mapcourse.grading.results import StageResult, SubmissionResult, TestResult
from mapcourse.manifest import Course
from mapcourse.sandbox.session import Runtime, StageSession

PYTEST_ARGS = ("-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:warnings",
               "-p", "no:faulthandler", "-p", "no:terminal", "-p", "no:unraisableexception",
               "-p", "no:threadexception", "-p", "no:legacypath", "-p", "no:doctest",
               "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:nose", "-p", "no:logging",
               "--capture=sys", "--assert=plain",
               "--import-mode=importlib", "-o", "addopts=", "-o", "python_files=test_*.py")

_STATUS_ORDER = ("timeout", "error", "failed", "passed")


def grade_submission(course: Course, submission: Path, runtime: Runtime, *,
                     submission_id: str | None = None, timeout: float | None = 10.0,
                     examples: Examples | None = None, extra_plugins: Sequence[object] = ()
                     ) -> SubmissionResult:
    """Grade every stage of the submission in `submission` (a folder of stage files).

    `examples` are property tests' recorded draws (see `replay`); without them
    hypothesis draws the examples itself.
    """
    sessions: dict[str, StageSession] = {}
    try:
        for stage in course.stages:
            sessions[stage.id] = runtime.open_stage(submission, stage.id)
        graded = {key: session for key, session in sessions.items()
                  if session.status == "graded"}
        outcomes = (run_hidden_suites(course, graded, timeout, examples, extra_plugins)
                    if graded else [])
    finally:
        for session in sessions.values():
            session.close()
    stages = []
    for stage in course.stages:
        session = sessions[stage.id]
        if session.status != "graded":
            stages.append(StageResult(stage.id, stage.points, session.status,
                                      message=session.message))
            continue
        tests = score_groups([o for o in outcomes if o.stage == stage.id])
        stages.append(StageResult(stage.id, stage.points, "graded", tests))
    return SubmissionResult(submission_id or submission.name, tuple(stages), course.max_score)


def run_hidden_suites(course: Course, sessions: dict[str, StageSession],
                      timeout: float | None, examples: Examples | None = None,
                      extra_plugins: Sequence[object] = ()) -> list[CaseOutcome]:
    """Run the hidden suites of the given stages; one outcome per test case."""
    plugin = GradingPlugin(sessions, timeout, examples)
    suites = [course.hidden_suite(course.stage(stage_id)) for stage_id in sessions]
    if absent := [str(suite) for suite in suites if not suite.is_file()]:
        raise HiddenSuiteError(f"no hidden suite at {', '.join(absent)}")
    config = course.hidden_tests_dir / "pytest.ini"
    args = [*PYTEST_ARGS, "-c", str(config), "--rootdir", str(course.hidden_tests_dir),
            *map(str, suites)]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exit_code = pytest.main(args, plugins=[plugin, *extra_plugins])
    if plugin.collect_errors or exit_code not in (pytest.ExitCode.OK,
                                                  pytest.ExitCode.TESTS_FAILED):
        raise HiddenSuiteError(f"hidden suites did not run (pytest exit {int(exit_code)}): "
                               + "; ".join(plugin.collect_errors))
    for stage_id in sessions:
        total = sum({o.group: o.points for o in plugin.outcomes if o.stage == stage_id}.values())
        if total != course.stage(stage_id).points:
            raise HiddenSuiteError(f"the hidden suite of {stage_id} is worth {total} points, "
                                   f"not {course.stage(stage_id).points}")
    return plugin.outcomes


def score_groups(outcomes: list[CaseOutcome]) -> tuple[TestResult, ...]:
    """One TestResult per group, in the suite's order: full points when all cases pass."""
    groups: dict[str, list[CaseOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.group, []).append(outcome)
    results = []
    for group, cases in groups.items():
        worst = min(cases, key=lambda case: _STATUS_ORDER.index(case.status))
        passed = worst.status == "passed"
        results.append(TestResult(name=readable(group), score=cases[0].points if passed else 0.0,
                                  max_score=cases[0].points, status=worst.status,
                                  message=worst.message))
    return tuple(results)


def readable(function_name: str) -> str:
    """test_mle_is_the_fraction_of_heads -> 'mle is the fraction of heads'."""
    return function_name.removeprefix("test_").replace("_", " ")
