"""A pytest plugin (`-p mapcourse.progress.plugin`) that writes each visible test's outcome.

`mapcourse check` runs the visible tests in a subprocess with this plugin and
$MAPCOURSE_PROGRESS_OUT set; one JSON object per line goes to that file:
`{"test", "case", "status", "message"}`, with status `passed`, `failed`,
`not-implemented`, `error` or `skipped`, and a message written for the student.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from pathlib import Path

import pytest

from mapcourse.progress.runner import OUT

if sys.version_info < (3, 11):  # Python 3.10: the backport from PyPI
    from exceptiongroup import BaseExceptionGroup


def _write(record: dict[str, str]) -> None:
    if path := os.environ.get(OUT):
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    report = yield
    if call.when == "call" or call.excinfo is not None:
        status, message = describe(call.excinfo.value if call.excinfo else None)
        callspec = getattr(item, "callspec", None)
        _write({"test": getattr(item, "originalname", item.name),
                "case": callspec.id if callspec else "", "status": status,
                "message": message})
    return report


def pytest_exception_interact(node: pytest.Item | pytest.Collector, call: pytest.CallInfo,
                              report: pytest.CollectReport | pytest.TestReport) -> None:
    if isinstance(report, pytest.CollectReport):
        error = call.excinfo.value
        error = error.__cause__ or error
        _write({"test": "", "case": "", "status": "error",
                "message": f"{Path(str(node.path)).name} could not load your code: "
                           f"{_exception(error)}"})


def describe(error: BaseException | None) -> tuple[str, str]:
    """A test's status and the student's message for the exception it ended with."""
    if error is None:
        return "passed", ""
    if isinstance(error, BaseExceptionGroup):
        return describe(error.exceptions[0])
    if isinstance(error, pytest.skip.Exception):
        return "skipped", str(error)
    if isinstance(error, NotImplementedError):
        function, _, hint = str(error).partition(": ")
        if not hint:
            return "not-implemented", f"not implemented yet: {error}"
        return "not-implemented", f"{function} is not implemented yet ({hint})"
    if isinstance(error, pytest.fail.Exception):
        raised = re.fullmatch(r"DID NOT RAISE <class '(?:builtins\.)?([\w.]+)'>", str(error))
        return "failed", (f"your code returned normally where it should raise {raised.group(1)}:"
                          " invalid input must raise an error, never pass silently."
                          if raised else str(error))
    if isinstance(error, AssertionError):
        return "failed", str(error) or "the answer was not what the test expected."
    return "error", f"your code raised {_exception(error)}"


def _exception(error: BaseException) -> str:
    """`ValueError: message (stage1_mle_coin.py, line 30, in mle)`: the error and where
    in the student's files it happened."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, SyntaxError) and error.filename:
        return f"{type(error).__name__}: {error.msg} ({Path(error.filename).name}, " \
               f"line {error.lineno})"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if _is_students(Path(frame.filename))]
    if frames:
        frame = frames[-1]
        text += f" ({Path(frame.filename).name}, line {frame.lineno}, in {frame.name})"
    return text


def _is_students(path: Path) -> bool:
    """A file of the student's: in the stage folder, and neither a test nor conftest.py."""
    stage_dir = os.environ.get("MAPCOURSE_STAGE_DIR")
    return (stage_dir is not None and path.parent == Path(stage_dir)
            and not path.name.startswith("test_") and path.name != "conftest.py")
