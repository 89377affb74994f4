"""What a notebook's hidden test cell runs: one test group against the kernel's functions.

A test cell is `run_group(globals(), "<stage>", "<test>", r'''<hidden test source>''')`.
The source (the test function and the module code it needs, cut from the hidden suite)
runs in a namespace of its own, so nothing it defines can shadow a student's name; its
text is registered with `linecache`, so hypothesis sees the same source, hence the same
derandomized examples, as under `mapcourse grade`. Every case runs (each parametrize
case; each @given test under the grading profile) with a `LocalHandle` over the
notebook's globals as `student`, each call stopped after the grader's time limit.

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

import contextlib
import io
import itertools
import linecache
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from mapcourse.sandbox.session import TimedLocalHandle

_FAILED_ANSWERS: dict[str, str] = {}  # stage -> why its answer cell counts as not importing


class GroupFailed(AssertionError):
    """A test group did not pass; IPython shows only `status: message`."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return [f"{self.status}: {self.message}"]


def run_group(namespace: Mapping[str, Any], stage: str, test: str, source: str) -> None:
    """Run every case of the test group `test` defined by `source` against `namespace`.

    Returns None when all cases pass; raises GroupFailed with the first failing
    case's message otherwise (the same all-or-nothing rule as `mapcourse grade`).
    """
    with _quiet():
        status, message = _run(namespace, stage, test, source)
    if status != "passed":
        raise GroupFailed(status, message) from None


def _run(namespace: Mapping[str, Any], stage: str, test: str, source: str) -> tuple[str, str]:
    from hypothesis import settings

    from mapcourse.grading.plugin import classify  # registers the "grading" profile

    _note_answer_cell(stage)
    if stage in _FAILED_ANSWERS:
        return "error", _FAILED_ANSWERS[stage]
    if (torch := sys.modules.get("torch")) is not None:
        torch.set_num_threads(1)  # as in `mapcourse grade`: tiny models, the same arithmetic
    try:
        settings.load_profile("grading")
        function = define(stage, test, source)
        student = TimedLocalHandle(namespace, grading_time_limit())
        outcomes = []
        for case in cases(function):
            try:
                function(student=student, **case)
                outcomes.append(("passed", ""))
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:  # noqa: BLE001 - a pytest outcome is a BaseException
                outcomes.append(classify(error))
    except Exception as error:  # noqa: BLE001 - a broken suite is reported, never shown raw
        return classify(error)
    return next((outcome for outcome in outcomes if outcome[0] != "passed"), ("passed", ""))


def define(stage: str, test: str, source: str) -> Callable[..., Any]:
    """Execute the group's source in a fresh namespace; return its test function."""
    filename = f"<hidden tests of {stage}: {test}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    scope: dict[str, Any] = {"__name__": f"hidden_tests_{stage}"}
    exec(compile(source, filename, "exec"), scope)  # noqa: S102 - the course's own suite
    return scope[test]


def cases(function: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    """The keyword arguments of each parametrized case, in pytest's order."""
    axes = []
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names, values = mark.args[0], mark.args[1]
        names = [name.strip() for name in names.split(",")] if isinstance(names, str) \
            else list(names)
        rows = []
        for value in values:
            if isinstance(value, tuple) and hasattr(value, "marks"):  # pytest.param(...)
                row = value.values
            else:
                row = value if len(names) > 1 else (value,)
            rows.append(dict(zip(names, row, strict=True)))
        axes.append(rows)
    for combination in itertools.product(*axes):
        yield {key: value for row in combination for key, value in row.items()}


def grading_time_limit() -> float | None:
    """The per-call time limit of `mapcourse grade` (its default `timeout`)."""
    import inspect

    from mapcourse.grading.runner import grade_submission

    return inspect.signature(grade_submission).parameters["timeout"].default


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
    from mapcourse.manifest import load_course
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
