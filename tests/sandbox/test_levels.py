"""The isolation level is chosen, named in words, and never lets student code run as root."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mapcourse.manifest import load_course
from mapcourse.sandbox import levels
from mapcourse.sandbox.bwrap import BWRAP_VARIABLE, bwrap_problem
from tests.sandbox.readable import (
    ROOT,
    can_unshare,
    grade_command,
    private_course,
    run_readable,
)

needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason="running code as another user needs root")
needs_namespaces = pytest.mark.skipif(not can_unshare(),
                                      reason="needs root and private mount namespaces")


@pytest.fixture
def bwrap_fails(monkeypatch):
    monkeypatch.setenv(BWRAP_VARIABLE, "/bin/false")


@pytest.fixture
def readable_course():
    """A course copy everyone can read, solutions and hidden suites included."""
    folder = Path(tempfile.mkdtemp(prefix="mapcourse-open-course-"))
    folder.chmod(0o755)
    private_course(folder)
    subprocess.run(["chmod", "-R", "go+rX", str(folder)], check=True)
    yield folder
    shutil.rmtree(folder)


def test_no_sandbox_is_named_as_the_instructors_choice():
    isolation = levels.choose_isolation(load_course(), trusted=True)
    assert isolation.level == levels.NONE
    assert isolation.description == "not isolated (the instructor passed --no-sandbox)"


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")
def test_working_bubblewrap_is_the_first_choice():
    isolation = levels.choose_isolation(load_course())
    assert (isolation.level, isolation.description) == ("bubblewrap", "isolated with bubblewrap")


def test_bubblewrap_made_to_fail_says_how(bwrap_fails):
    assert bwrap_problem() == "/bin/false exited with status 1"


def test_a_missing_bubblewrap_says_it_is_not_installed(monkeypatch):
    monkeypatch.setenv(BWRAP_VARIABLE, "/nonexistent/bwrap")
    assert bwrap_problem() == "/nonexistent/bwrap is not installed"


def test_without_bubblewrap_or_root_grading_is_refused(bwrap_fails, monkeypatch):
    monkeypatch.setattr(levels.os, "geteuid", lambda: 1000)
    with pytest.raises(levels.IsolationRefused) as refused:
        levels.choose_isolation(load_course())
    message = str(refused.value)
    assert "bubblewrap could not start: /bin/false exited with status 1" in message
    assert "root" in message and "--no-sandbox" in message


@needs_root
def test_a_python_others_cannot_run_is_never_chosen_for_student_code(tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    python = closed / "python3"
    python.symlink_to(sys.executable)
    assert "cannot run it" in levels._probe(str(python), [], ("numpy",))


@needs_root
def test_grading_refuses_when_no_unprivileged_run_is_safe(bwrap_fails, readable_course):
    """Either no Python fits the unprivileged user, or the course is open to it: refused."""
    result = subprocess.run(grade_command(str(ROOT / "examples" / "sample-class")),
                            capture_output=True, text=True, timeout=300, cwd=ROOT,
                            env={**os.environ, "MAPCOURSE_ROOT": str(readable_course)})
    assert result.returncode == 2, result.stderr
    line, = result.stderr.strip().splitlines()
    assert "bubblewrap could not start" in line and "--no-sandbox" in line


@needs_root
def test_a_refused_gradescope_run_leaves_a_results_json_that_says_why(bwrap_fails,
                                                                     readable_course,
                                                                     tmp_path):
    (tmp_path / "submission").mkdir()
    shutil.copy(ROOT / "solutions" / "stage1_mle_coin.py", tmp_path / "submission")
    subprocess.run([sys.executable, "-m", "mapcourse.gradescope", str(tmp_path)],
                   capture_output=True, text=True, timeout=300, cwd=ROOT,
                   env={**os.environ, "MAPCOURSE_ROOT": str(readable_course)})
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"] == []
    assert "IsolationRefused: bubblewrap could not start" in results["output"]


@pytest.mark.slow
@needs_namespaces
def test_a_course_readable_by_the_unprivileged_user_is_refused(bwrap_fails, readable_course,
                                                              tmp_path):
    result = run_readable(grade_command(str(readable_course / "solutions")), tmp_path / "keep",
                          {"MAPCOURSE_ROOT": str(readable_course)}, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "chmod -R go-rwx" in result.stderr
    assert str(readable_course / "autograder") in result.stderr
