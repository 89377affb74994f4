"""What a notebook's test cell runs under `nbgrader autograde`: one hidden test group.

A test cell holds no test source. It calls `run_group(globals(), "<stage>", "<test>",
"<digest>")` when nbgrader autogrades the notebook (`NBGRADER_EXECUTION=autograde`) and
does nothing anywhere else, so the cell a student receives is the cell nbgrader stored
(equal checksums: no "checksum has changed" warning on autograde), and no line of a
hidden test is ever in a notebook.

`run_group` collects the stage's hidden suite with pytest, exactly as `mapcourse grade`
does (`HiddenSuites`: pytest's own parametrize expansion, the same hypothesis examples
under the grading profile, the same per-call time limit), once per kernel, and runs the
cases of one test function against the notebook's globals (a `TimedLocalHandle` as
`student`), scored by `score_groups`, the grader's rule. The digest, written when the
notebook was generated, must match the group as the suite holds it now: a suite edited
since then is refused, not graded on points the gradebook does not know.

What nbgrader sees: nothing on stdout or stderr (warnings and prints are swallowed,
since nbgrader scores a test cell that writes to stderr as failed), and on failure one
exception whose rendering is the student's message alone: no traceback, so no line of
hidden test source reaches the feedback.

Like `mapcourse grade`, which gives 0 to a stage file that fails to import, a stage
scores 0 here when the cell that defined its functions ended in an error: each test
cell looks at the cell run just before it, which under `nbgrader autograde` is the
answer cell for the first test cell.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import os
import re
import sys
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

from mapcourse.grading.plugin import classify
from mapcourse.grading.runner import score_groups
from mapcourse.grading.suites import HiddenSuites
from mapcourse.manifest import load_course
from mapcourse.nbgrader.suites import TestGroup, group_digest, stage_groups
from mapcourse.sandbox.session import StageSession, TimedLocalHandle
from mapcourse.terms import TEST_TIME_LIMIT

_FAILED_ANSWERS: dict[str, str] = {}  # stage -> why its answer cell counts as not importing
STALE = ("the hidden test {test} of {stage} changed after this notebook was generated: "
         "run `mapcourse nbgrader` and `nbgrader generate_assignment {stage} --force`, "
         "then autograde again")


class GroupFailed(AssertionError):
    """A test group did not pass; IPython shows only `status: message`."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return [f"{self.status}: {self.message}"]


class NotebookSession(StageSession):
    """The notebook's globals as a stage opened for the hidden tests."""

    status, message = "graded", ""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.handle = TimedLocalHandle(namespace)

    def set_deadline(self, seconds: float | None) -> None:
        self.handle.seconds = seconds

    def close(self) -> None:
        pass


def run_group(namespace: Mapping[str, Any], stage: str, test: str,
              digest: str | None = None) -> None:
    """Run every case of the hidden test function `test` of `stage` against `namespace`.

    Returns None when all cases pass; raises GroupFailed with the group's status and
    message otherwise (the same all-or-nothing rule and message as `mapcourse grade`).
    """
    with _quiet():
        status, message = _run(namespace, stage, test, digest)
    if status != "passed":
        raise GroupFailed(status, message) from None


def _run(namespace: Mapping[str, Any], stage: str, test: str,
         digest: str | None) -> tuple[str, str]:
    _note_answer_cell(stage)
    if stage in _FAILED_ANSWERS:
        return "error", _FAILED_ANSWERS[stage]
    if (torch := sys.modules.get("torch")) is not None:
        torch.set_num_threads(1)  # as in `mapcourse grade`: tiny models, the same arithmetic
    try:
        group = _groups(stage).get(test)
        if group is None:
            return "error", f"{stage} has no hidden test {test}: regenerate the notebook"
        if digest is not None and digest != group_digest(group):
            return "error", STALE.format(test=test, stage=stage)
        outcomes = _suites(stage, grading_time_limit()).run(
            {stage: NotebookSession(namespace)},
            select=lambda item: item.originalname == test)
    except Exception as error:  # noqa: BLE001 - a broken suite is reported, never shown raw
        return classify(error)
    if not outcomes:
        return "error", f"the hidden test {test} of {stage} collected no case"
    (result,) = score_groups(outcomes)
    return result.status, result.message


def grading_time_limit() -> float | None:
    """The per-call time limit of `mapcourse grade` (its default `timeout`)."""
    return TEST_TIME_LIMIT


@functools.cache
def _groups(stage: str) -> dict[str, TestGroup]:
    course = load_course()
    return {group.name: group for group in stage_groups(course, course.stage(stage))}


@functools.cache
def _suites(stage: str, timeout: float | None) -> HiddenSuites:
    """The stage's hidden suite, collected once for the kernel's life."""
    suites = HiddenSuites(load_course(), timeout, stages=[stage])
    atexit.register(suites.close)
    return suites


def _note_answer_cell(stage: str) -> None:
    """Record whether the cell run just before defined the stage's functions and failed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    result = getattr(get_ipython(), "last_execution_result", None)
    if result is None or "run_group(" in result.info.raw_cell:
        return
    if not _defines_exercises(result.info.raw_cell, stage):
        return
    error = result.error_before_exec or result.error_in_exec
    if error is None:
        _FAILED_ANSWERS.pop(stage, None)
        return
    where = f" (line {error.lineno})" if isinstance(error, SyntaxError) and error.lineno else ""
    message = error.msg if isinstance(error, SyntaxError) else str(error)
    _FAILED_ANSWERS[stage] = (
        f"your answer cell stopped with {type(error).__name__}: {message[:300]}{where}. Like "
        "a stage file that fails to import, it scores 0 for the whole stage: make the cell "
        "run without errors.")


def _defines_exercises(code: str, stage: str) -> bool:
    """Whether `code` defines (at its top level) one of the functions of the stage."""
    from mapcourse.nbgrader.solution import exercise_names

    course = load_course()
    names = exercise_names(course.solutions_dir / course.stage(stage).filename)
    return any(re.search(rf"^def {name}\(", code, re.MULTILINE) for name in names)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No warnings, and nothing written to stdout or stderr, at the Python or the fd level."""
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), \
            contextlib.redirect_stderr(sink), _silent_descriptors():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _silent_descriptors() -> Iterator[None]:
    """Point file descriptors 1 and 2 at /dev/null (C extensions write there directly)."""
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in (*saved, devnull):
            os.close(descriptor)
