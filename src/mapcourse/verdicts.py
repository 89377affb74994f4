"""A test's verdict: its status and the message the student reads, from how it ended.

One classifier for both ways a test reaches a student: `mapcourse check` runs the visible
tests with the student's code in the test's own process (`mapcourse.progress.plugin`),
and `mapcourse grade` runs the hidden suites with the student's code behind the
sandbox's proxy (`mapcourse.grading.plugin`). Both read a passed test, an exception
group (its first exception) and a failed assertion alike; each names the exceptions only
it can meet (`known`) and says what any other exception means there (`unexpected`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

if sys.version_info < (3, 11):  # Python 3.10: the backport from PyPI
    from exceptiongroup import BaseExceptionGroup

Verdict = tuple[str, str]
"""(status, message): passed, failed, error, timeout (and, under check, not-implemented
or skipped), and the sentence the student reads ("" when passed)."""

WRONG_ANSWER = "the answer was not what the test expected."  # an assertion without a message


def classify(error: BaseException | None, known: Callable[[BaseException], Verdict | None],
             unexpected: Callable[[BaseException], Verdict]) -> Verdict:
    """The verdict of a test that ended with `error` (None: it passed)."""
    if error is None:
        return "passed", ""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if (verdict := known(error)) is not None:
        return verdict
    if isinstance(error, AssertionError):
        return "failed", str(error) or WRONG_ANSWER
    return unexpected(error)
