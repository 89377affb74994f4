"""The release's per-test time limit: the grader's own, in both of the release's pytest
configurations, and a report that names the student's function that did not return."""

from __future__ import annotations

import configparser
import importlib.util
import sys
import threading
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default image): the same parser, from PyPI
    import tomli as tomllib

import pytest

from mapcourse.grading.pool import Settings
from mapcourse.timelimit import Hang, hang

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
    assert float(options["timeout"]) == Settings.timeout
    assert options["timeout_method"] == "thread"
    assert options["addopts"] == ["-p", "mapcourse.timelimit"]
    assert any(need.startswith("pytest-timeout") for need in config["project"]["dependencies"])


def test_exercises_pytest_ini_keeps_its_options_and_adds_the_limit(built_release, course):
    """`pytest exercises/test_x.py` reads exercises/pytest.ini, not pyproject.toml."""
    released, original = configparser.ConfigParser(), configparser.ConfigParser()
    released.read(built_release / "exercises" / "pytest.ini")
    original.read(course.exercises_dir / "pytest.ini")
    options = released["pytest"]
    assert float(options["timeout"]) == Settings.timeout
    assert options["timeout_method"] == "thread"
    assert options["addopts"].split() == [*original["pytest"].get("addopts", "").split(),
                                          "-p", "mapcourse.timelimit"]


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


def test_hang_names_the_function_the_test_called_and_the_line_running(stuck_in_a_helper,
                                                                      tmp_path):
    found = hang(stuck_in_a_helper, tmp_path, tmp_path)
    assert found == Hang("solve", "_iterate", "exercises/stage9_stuck.py", 12, "stuck.wait()")
    assert found.summary(10.0) == "solve did not return within 10 s (an infinite loop?)"


def test_code_outside_the_students_folder_is_not_the_students(stuck_in_a_helper, tmp_path):
    assert hang(stuck_in_a_helper, tmp_path / "elsewhere", tmp_path) is None
