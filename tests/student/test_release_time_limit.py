"""The release's per-test time limit: the grader's own, in both of the release's pytest
configurations, and a report that names the student's function that did not return."""

from __future__ import annotations

import configparser
import dataclasses
import importlib.util
import sys
import threading
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default image): the same parser, from PyPI
    import tomli as tomllib

import pytest

from mapcourse.progress.watchdog import from_frame, hang_message
from mapcourse.release.render import pytest_ini
from mapcourse.terms import TEST_TIME_LIMIT
from mapcourse.timelimit import report, students_folder

STAGE = '''
import threading

stuck = threading.Event()


def solve(x):
    return _iterate(x)


def _iterate(x):
    stuck.wait()
    return x
'''


def test_pyproject_runs_the_time_limit_plugin_at_the_graders_limit(built_release):
    config = tomllib.loads((built_release / "pyproject.toml").read_text())
    options = config["tool"]["pytest"]["ini_options"]
    assert float(options["timeout"]) == TEST_TIME_LIMIT
    assert "timeout_method" not in options  # pytest-timeout's default: signal where there is one
    assert options["addopts"] == ["-p", "mapcourse.timelimit"]
    assert any(need.startswith("pytest-timeout") for need in config["project"]["dependencies"])


def test_exercises_pytest_ini_keeps_its_options_and_adds_the_limit(built_release, course):
    """`pytest exercises/test_x.py` reads exercises/pytest.ini, not pyproject.toml."""
    released, original = configparser.ConfigParser(), configparser.ConfigParser()
    released.read(built_release / "exercises" / "pytest.ini")
    original.read(course.exercises_dir / "pytest.ini")
    options = released["pytest"]
    assert float(options["timeout"]) == TEST_TIME_LIMIT
    assert "timeout_method" not in options
    assert options["addopts"].split() == original["pytest"]["addopts"].split()
    assert options["addopts"].split().count("mapcourse.timelimit") == 1


def test_the_course_exercises_have_the_graders_limit_too(course):
    """`pytest` in the course's own exercises/ stops a hang as the release does."""
    options = configparser.ConfigParser()
    options.read(course.exercises_dir / "pytest.ini")
    assert float(options["pytest"]["timeout"]) == TEST_TIME_LIMIT
    assert "mapcourse.timelimit" in options["pytest"]["addopts"].split()


@pytest.mark.parametrize(("given", "expected"), [
    (None, "[pytest]\n{limit}addopts = -p mapcourse.timelimit\n"),
    ("[other]\nx = 1", "[other]\nx = 1\n\n[pytest]\n{limit}addopts = -p mapcourse.timelimit\n"),
    ("# [pytest] below\n[pytest]\naddopts = -q\n[last]\ny = 2\n",
     "# [pytest] below\n[pytest]\n{limit}addopts = -q -p mapcourse.timelimit\n[last]\ny = 2\n"),
    ("[pytest]\naddopts = -p mapcourse.timelimit\ntimeout = 3\n",
     "[pytest]\n{limit}addopts = -p mapcourse.timelimit\n"),
], ids=["no pytest.ini", "no [pytest] section", "a [pytest] section between others",
        "a limit of its own, replaced by the grader's"])
def test_the_limit_goes_into_the_pytest_section_only(course, tmp_path, given, expected):
    if given is not None:
        (tmp_path / "pytest.ini").write_text(given)
    limit = f"timeout = {TEST_TIME_LIMIT:g}\n"
    released = pytest_ini(dataclasses.replace(course, exercises_dir=tmp_path))
    assert released == expected.format(limit=limit)


def test_the_plugin_ships_with_the_release(built_release):
    assert (built_release / "src" / "mapcourse" / "timelimit.py").is_file()


def calls(frame) -> list[str]:
    names = []
    while frame is not None:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return names


@pytest.fixture
def stuck_in_a_helper(tmp_path: Path):
    """A stage whose function waits forever in a helper, running in a thread: its frames."""
    path = tmp_path / "exercises" / "stage9_stuck.py"
    path.parent.mkdir()
    path.write_text(STAGE)
    spec = importlib.util.spec_from_file_location("stage9_stuck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    worker = threading.Thread(target=module.solve, args=(1,), daemon=True)
    worker.start()
    while "_iterate" not in calls(sys._current_frames().get(worker.ident)):
        threading.Event().wait(0.01)
    yield sys._current_frames()[worker.ident]
    module.stuck.set()
    worker.join()


def test_report_ends_naming_the_function_the_test_called(stuck_in_a_helper, tmp_path):
    folder = tmp_path / "exercises"
    found = from_frame(stuck_in_a_helper, folder)
    lines = report("exercises/test_stage9.py::test_solve", found, 10.0, "", folder).splitlines()
    assert lines[-1] == hang_message(found, 10.0)
    assert lines[-1].startswith("solve(1) did not return within 10 s: it was running line 12 "
                                "of stage9_stuck.py, in _iterate.")
    assert lines[-3:-1] == ["stage9_stuck.py, line 12:", "    stuck.wait()"]
    assert "inside compiled code" in lines[2]
    assert "exercises/test_stage9.py::test_solve was stopped at the limit of 10 s" in lines[2]


def test_report_shows_the_end_of_what_the_test_printed(stuck_in_a_helper, tmp_path):
    folder = tmp_path / "exercises"
    printed = "".join(f"step {step}\n" for step in range(1000))
    text = report("test_x", from_frame(stuck_in_a_helper, folder), 10.0, printed, folder)
    assert "step 999" in text and "step 989" not in text


def test_a_hang_in_the_tests_own_code_is_not_blamed_on_the_student(stuck_in_a_helper, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    found = from_frame(stuck_in_a_helper, elsewhere)
    assert found is None
    last = report("test_x", found, 10.0, "", elsewhere).splitlines()[-1]
    assert last == hang_message(None, 10.0) and "the test's own code" in last


def test_the_students_folder_is_where_check_finds_the_stage_files(built_release, monkeypatch):
    monkeypatch.delenv("MAPCOURSE_STAGE_DIR", raising=False)
    monkeypatch.delenv("MAPCOURSE_ROOT", raising=False)
    test_file = built_release / "exercises" / "test_stage1_mle_coin.py"
    assert students_folder(test_file) == (built_release / "exercises").resolve()
