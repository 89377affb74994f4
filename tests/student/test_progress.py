"""The pieces of `check`: a stage's status from its outcomes, and messages in plain words."""

from __future__ import annotations

import sys

import pytest

from mapcourse.checks import CheckFailed
from mapcourse.progress import StageProgress, status_of
from mapcourse.progress.plugin import describe
from mapcourse.progress.runner import TestOutcome

if sys.version_info < (3, 11):  # Python 3.10: the backport from PyPI
    from exceptiongroup import ExceptionGroup


def outcome(status: str, test: str = "test_mle_is_the_fraction_of_heads") -> TestOutcome:
    return TestOutcome(test, "", status, f"{status} message")


@pytest.mark.parametrize(("statuses", "expected"), [
    (["passed", "passed"], "passed"),
    (["passed", "skipped"], "passed"),
    (["not-implemented", "not-implemented"], "not started"),
    (["passed", "not-implemented"], "failing"),
    (["failed", "not-implemented"], "failing"),
    (["error"], "failing"),
    (["passed", "timeout"], "failing"),
    (["timeout", "not-implemented"], "failing"),
    ([], "no tests"),
], ids=["all pass", "skips do not count", "only stubs", "half done", "a wrong answer",
        "does not load", "a hang", "a hang before the stubs", "no tests ran"])
def test_status_of_a_stage_from_its_outcomes(statuses, expected):
    assert status_of(tuple(outcome(status) for status in statuses)) == expected


def test_first_failure_shows_a_hang_before_a_missing_function(course):
    tests = (outcome("not-implemented", "test_a"), outcome("timeout", "test_b"))
    first = StageProgress(course.stages[0], "failing", tests).first_failure
    assert first is not None and first.test == "test_b"


def test_first_failure_prefers_a_wrong_answer_to_a_missing_function(course):
    tests = (outcome("passed"), outcome("not-implemented", "test_a"), outcome("failed", "test_b"))
    first = StageProgress(course.stages[0], "failing", tests).first_failure
    assert first is not None and first.test == "test_b"


def test_a_test_name_reads_as_a_sentence():
    assert TestOutcome("test_map_ignores_a_flat_prior", "fair coin", "passed", "").title == (
        "map ignores a flat prior [fair coin]")


@pytest.mark.parametrize(("error", "expected"), [
    (None, ("passed", "")),
    (NotImplementedError("mle: the fraction of heads."),
     ("not-implemented", "mle is not implemented yet (the fraction of heads.)")),
    (CheckFailed("mle(3, 1) returned 0.6; expected 0.75."),
     ("failed", "mle(3, 1) returned 0.6; expected 0.75.")),
    (AssertionError(), ("failed", "the answer was not what the test expected.")),
    (ZeroDivisionError("division by zero"),
     ("error", "your code raised ZeroDivisionError: division by zero")),
    (ExceptionGroup("hypothesis", [CheckFailed("first")]), ("failed", "first")),
    (pytest.fail.Exception("DID NOT RAISE <class 'ValueError'>"),
     ("failed", "your code returned normally where it should raise ValueError: invalid input "
                "must raise an error, never pass silently.")),
], ids=["pass", "stub", "check", "bare assert", "crash", "exception group", "did not raise"])
def test_describe_puts_an_outcome_in_plain_words(error, expected):
    assert describe(error) == expected
