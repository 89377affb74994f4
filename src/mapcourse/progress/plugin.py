"""A pytest plugin (`-p mapcourse.progress.plugin`) that writes each visible test's outcome.

`mapcourse check` runs the visible tests in a subprocess with this plugin and
$MAPCOURSE_PROGRESS_OUT set; one JSON object per line goes to that file:
`{"test", "case", "status", "message"}`, with status `passed`, `failed`,
`not-implemented`, `error`, `skipped` or `timeout`, and a message written for the student.
A `running` line comes before each test and before the stage file is imported, so a
process that ends early says what it was doing. Each test, and the import, has the
grader's per-test time limit (mapcourse.progress.watchdog). Tests the file already has
an outcome for are not run again, nor the other cases of a test that ran out of time:
that is how `check` goes on after a hang.
"""

from __future__ import annotations

import json
import os
import re
import traceback
from pathlib import Path

import pytest

from mapcourse import verdicts
from mapcourse.progress.channel import LIMIT, OUT, stack_file
from mapcourse.progress.watchdog import Alarm, is_students
from mapcourse.terms import TEST_TIME_LIMIT, grader_packages
from mapcourse.verdicts import Verdict

_alarm: list[Alarm] = []  # while the tests run under `check`: the one alarm
_running: dict[str, str] = {}  # the test running now: its record


def _write(record: dict[str, str]) -> None:
    if path := os.environ.get(OUT):
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


def _recorded() -> list[dict[str, str]]:
    path = os.environ.get(OUT)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines() if path else []
    except OSError:
        return []
    return [record for line in lines if (record := json.loads(line))["status"] != "running"]


def pytest_configure(config: pytest.Config) -> None:
    if not (out := os.environ.get(OUT)):
        return
    limit = float(os.environ.get(LIMIT) or TEST_TIME_LIMIT)
    dump = open(stack_file(Path(out)), "w", encoding="utf-8")  # noqa: SIM115 - while pytest runs
    config.add_cleanup(dump.close)
    _alarm.append(Alarm(limit, _stage_dir(), _hung, dump))
    config.add_cleanup(_alarm.clear)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests a run before this one already has outcomes for, and the other
    cases of a test that ran out of time (recorded as not run, as the grader does)."""
    done = _recorded()
    if not done:
        return
    finished = {(record["test"], record["case"]) for record in done}
    hung = {record["test"]: record["case"] for record in done if record["status"] == "timeout"}
    kept, left = [], []
    for item in items:
        key = _key(item)
        if key in finished:
            left.append(item)
        elif key[0] in hung:
            left.append(item)
            _write({"test": key[0], "case": key[1], "status": "timeout", "message": (
                f"not run: the case [{hung[key[0]]}] of this test did not return within "
                f"{_alarm[0].limit:g} s, so its other cases were left out.")})
        else:
            kept.append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> object:
    """The import of a test file (and so of the stage file) has the time limit too."""
    if not _alarm or not isinstance(collector, pytest.Module):
        return (yield)
    stage_file = Path(str(collector.path)).name.removeprefix("test_")  # see visible_tests
    _start({"test": "", "case": ""}, loading=stage_file)
    try:
        return (yield)
    finally:
        _alarm[0].disarm()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    if not _alarm:
        return (yield)
    test, case = _key(item)
    _start({"test": test, "case": case})
    try:
        return (yield)
    finally:
        _alarm[0].disarm()


def _hung(message: str) -> None:
    """The running test ran out of time (in its teardown, it is a second outcome, as an
    error there is)."""
    _write(_running | {"status": "timeout", "message": message})


def _start(record: dict[str, str], loading: str = "") -> None:
    _running.clear()
    _running.update(record)
    _write(record | {"status": "running", "message": ""})
    _alarm[0].arm(loading)


def _key(item: pytest.Item) -> tuple[str, str]:
    callspec = getattr(item, "callspec", None)
    return getattr(item, "originalname", item.name), callspec.id if callspec else ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    report = yield
    if call.when == "call" or call.excinfo is not None:
        status, message = describe(call.excinfo.value if call.excinfo else None)
        test, case = _key(item)
        _write({"test": test, "case": case, "status": status, "message": message})
    return report


def pytest_exception_interact(node: pytest.Item | pytest.Collector, call: pytest.CallInfo,
                              report: pytest.CollectReport | pytest.TestReport) -> None:
    if isinstance(report, pytest.CollectReport):
        error = call.excinfo.value
        error = error.__cause__ or error
        advice = missing_package(error.name) if isinstance(error, ModuleNotFoundError) else ""
        _write({"test": "", "case": "", "status": "error",
                "message": f"{Path(str(node.path)).name} could not load your code: "
                           f"{_exception(error)}{advice}"})


def missing_package(name: str | None) -> str:
    """What to do about a package that is not installed, from what the grader installs."""
    module = (name or "").split(".")[0]
    provided = grader_packages()
    if module.lower().replace("-", "_") in {p.lower().replace("-", "_") for p in provided}:
        return (f". The grader installs {module}: install the course's requirements here too "
                "(`pip install -e .` in your repository).")
    listed = ", ".join(provided) or "the course's own dependencies"
    return (f". The grader installs only {listed}; other packages will not be there when "
            "your work is graded, so use those instead.")


def describe(error: BaseException | None) -> Verdict:
    """A visible test's status and the student's message for the exception it ended with."""
    return verdicts.classify(error, _pytests_own, _raised_by_the_student)


def _pytests_own(error: BaseException) -> Verdict | None:
    """A skip, a stub not written yet, and `pytest.raises` that saw nothing raised."""
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
    return None


def _raised_by_the_student(error: BaseException) -> Verdict:
    """The student's code runs in the test's process: any other exception is theirs."""
    return "error", f"your code raised {_exception(error)}"


def _exception(error: BaseException) -> str:
    """`ValueError: message (stage1_mle_coin.py, line 30, in mle)`: the error and where
    in the student's files it happened."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, SyntaxError) and error.filename:
        return f"{type(error).__name__}: {error.msg} ({Path(error.filename).name}, " \
               f"line {error.lineno})"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if is_students(frame.filename, _stage_dir())]
    if frames:
        frame = frames[-1]
        text += f" ({Path(frame.filename).name}, line {frame.lineno}, in {frame.name})"
    return text


def _stage_dir() -> Path:
    return Path(os.environ.get("MAPCOURSE_STAGE_DIR", "exercises")).resolve()
