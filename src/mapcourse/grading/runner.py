"""Grading one submission: open its stages, run the hidden suites, score the groups.

A test group is one hidden test function with all its cases: it earns its points when
every case passes (the same rule as an nbgrader test cell, so both give equal scores).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mapcourse.grading import internals
from mapcourse.grading.plugin import CaseOutcome
from mapcourse.grading.replay import Examples, Recorder, is_property_test
from mapcourse.grading.results import StageResult, SubmissionResult, TestResult
from mapcourse.grading.suites import HiddenSuites
from mapcourse.manifest import Course
from mapcourse.sandbox.session import LocalRuntime, Runtime, StageSession
from mapcourse.terms import TEST_TIME_LIMIT

_STATUS_ORDER = ("timeout", "error", "failed", "passed")


def grade_submission(course: Course, submission: Path, runtime: Runtime, *,
                     submission_id: str | None = None, timeout: float | None = TEST_TIME_LIMIT,
                     examples: Examples | None = None, extra_plugins: Sequence[object] = (),
                     suites: HiddenSuites | None = None,
                     stage_budget: float | None = None) -> SubmissionResult:
    """Grade every stage of the submission in `submission` (a folder of stage files).

    `examples` are property tests' recorded draws (see `replay`); without them
    hypothesis draws the examples itself. `suites`, when given, are suites already
    collected (with their own timeout, examples and stage budget) that grade many
    submissions. One stage is open at a time: its process is closed before the next
    stage's starts, so a submission holds the memory of one stage process, not six.
    """
    stages = []
    for stage in course.stages:
        session = runtime.open_stage(submission, stage.id)
        try:
            if session.status != "graded":
                stages.append(StageResult(stage.id, stage.points, session.status,
                                          message=session.message, output=session.output,
                                          output_bytes=session.output_bytes))
                continue
            if suites is not None:
                outcomes = suites.run({stage.id: session})
            else:
                outcomes = run_hidden_suites(course, {stage.id: session}, timeout, examples,
                                             extra_plugins, stage_budget)
        finally:
            session.close()
        stages.append(StageResult(stage.id, stage.points, "graded", score_groups(outcomes),
                                  output=session.output, output_bytes=session.output_bytes))
    return SubmissionResult(submission_id or submission.name, tuple(stages), course.max_score)


def run_hidden_suites(course: Course, sessions: dict[str, StageSession],
                      timeout: float | None, examples: Examples | None = None,
                      extra_plugins: Sequence[object] = (),
                      stage_budget: float | None = None) -> list[CaseOutcome]:
    """Run the hidden suites of the given stages once; one outcome per test case."""
    with HiddenSuites(course, timeout, examples, extra_plugins, stages=list(sessions),
                      stage_budget=stage_budget) as suites:
        return suites.run(sessions)


def record_examples(course: Course, timeout: float | None = None) -> dict[str, tuple]:
    """Run the hidden property tests on the reference solutions; the examples each drew
    ({} off the fast path: hypothesis draws them for each submission)."""
    if not internals.FAST:
        return {}
    recorder = Recorder()
    runtime = LocalRuntime()
    sessions = {stage.id: runtime.open_stage(course.solutions_dir, stage.id)
                for stage in course.stages}
    try:
        with HiddenSuites(course, timeout, extra_plugins=[recorder]) as suites:
            suites.run(sessions, select=is_property_test)
    finally:
        for session in sessions.values():
            session.close()
    return recorder.examples


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
