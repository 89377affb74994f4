"""The warm helper of `mapcourse check`: started by a check, used by the next, never stale.

The helper's socket, lock (holding its pid) and log (one line per check it ran) go into
a folder of the test's own, so the test sees exactly which checks the helper answered.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapcourse.progress import processes, server
from tests.student.conftest import WRONG_MLE, row, stage_file, student_env

pytestmark = pytest.mark.skipif(not processes.can_fork(), reason="the helper forks: Linux only")


@pytest.fixture
def helper_dir(student, tmp_path):
    """The folder of the helpers' sockets; any helper still running at the end is killed."""
    folder = tmp_path / "run"
    yield folder
    for pid in helper_pids(folder):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def helper_pids(folder: Path) -> list[int]:
    return [int(text) for lock in folder.glob("*.lock") if (text := lock.read_text().strip())]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def check(student, folder, *args, **env):
    environment = student_env(student) | {"MAPCOURSE_CHECK_SERVER": "1",
                                          "MAPCOURSE_CHECK_SERVER_DIR": str(folder),
                                          "MAPCOURSE_CHECK_SERVER_IDLE": "20"} | env
    return subprocess.run([sys.executable, "-m", "mapcourse", "check", *args], cwd=student,
                          env=environment, capture_output=True, text=True, timeout=600,
                          check=False)


def wait_for(condition, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"no {what} after {limit:.0f} s"
        time.sleep(0.2)


def served(folder: Path) -> list[str]:
    """The helper's log: one line per check it ran."""
    return [line for log in folder.glob("*.log") for line in log.read_text().splitlines()]


@pytest.mark.slow
def test_a_check_leaves_a_helper_that_runs_later_checks_on_fresh_files(student, course,
                                                                       helper_dir, tmp_path):
    wrong = stage_file(student).read_text() + WRONG_MLE
    stage_file(student).write_text(wrong)
    alone = check(student, helper_dir, "1")  # no helper yet: runs here, then starts one
    assert alone.returncode == 1
    assert "failing      1/3 tests pass" in row(alone.stdout, 1)
    wait_for(lambda: helper_pids(helper_dir) and list(helper_dir.glob("*.sock")), "helper")
    [pid] = helper_pids(helper_dir)
    assert served(helper_dir) == []

    shutil.copy(course.solutions_dir / "stage1_mle_coin.py", stage_file(student))
    fixed = check(student, helper_dir, "1")
    assert fixed.returncode == 0, fixed.stdout
    assert "passed       3/3 tests pass" in row(fixed.stdout, 1)
    assert len(served(helper_dir)) == 1 and "checked stage1_mle_coin in" in served(helper_dir)[0]

    stage_file(student).write_text(wrong)
    again = check(student, helper_dir, "1")  # the same mistake as at first: imported afresh
    assert (again.returncode, again.stdout) == (alone.returncode, alone.stdout)
    assert len(served(helper_dir)) == 2

    elsewhere = tmp_path / "elsewhere"  # the caller's environment, not the helper's
    elsewhere.mkdir()
    shutil.copy(course.solutions_dir / "stage1_mle_coin.py", elsewhere / "stage1_mle_coin.py")
    moved = check(student, helper_dir, "1", MAPCOURSE_STAGE_DIR=str(elsewhere))
    assert "passed       3/3 tests pass" in row(moved.stdout, 1)
    assert len(served(helper_dir)) == 3
    assert helper_pids(helper_dir) == [pid] and alive(pid)

    os.kill(pid, signal.SIGKILL)  # a helper killed leaves its socket behind
    wait_for(lambda: not alive(pid), "end of the killed helper")
    stage_file(student).write_text(stage_file(student).read_text() + "\n# edited\n")
    after = check(student, helper_dir, "1")
    assert "failing      1/3 tests pass" in row(after.stdout, 1)
    assert len(served(helper_dir)) == 3  # ran here, and started a new helper
    wait_for(lambda: helper_pids(helper_dir) not in ([], [pid]), "new helper")
    [new] = helper_pids(helper_dir)

    package = student / "src" / "mapcourse" / "hints.py"  # a new version of mapcourse
    os.utime(package, ns=(package.stat().st_atime_ns, package.stat().st_mtime_ns + 10**9))
    stage_file(student).write_text(stage_file(student).read_text() + "\n# edited again\n")
    upgraded = check(student, helper_dir, "1")
    assert "failing      1/3 tests pass" in row(upgraded.stdout, 1)
    assert len(served(helper_dir)) == 3  # not by the old helper, which was asked to quit
    wait_for(lambda: not alive(new), "end of the outdated helper")
    wait_for(lambda: len(list(helper_dir.glob("*.sock"))) == 1
             and helper_pids(helper_dir) not in ([], [new], [pid, new]), "newest helper")
    newest = next(p for p in helper_pids(helper_dir) if p not in (pid, new))
    wait_for(lambda: not alive(newest), "end of the idle helper")  # 20 s without checks
    assert not list(helper_dir.glob("*.sock"))


@pytest.mark.slow
def test_a_check_of_untouched_stubs_starts_a_helper_for_the_checks_to_come(student,
                                                                          helper_dir):
    done = check(student, helper_dir)
    assert "not started" in row(done.stdout, 1)
    wait_for(lambda: helper_pids(helper_dir) and list(helper_dir.glob("*.sock")), "helper")
    [pid] = helper_pids(helper_dir)
    check(student, helper_dir)  # nothing to run, a helper up: no other is started
    time.sleep(1.0)
    assert helper_pids(helper_dir) == [pid] and len(list(helper_dir.glob("*.lock"))) == 1
    stage_file(student).write_text(stage_file(student).read_text() + WRONG_MLE)
    assert "failing      1/3 tests pass" in row(check(student, helper_dir, "1").stdout, 1)
    assert len(served(helper_dir)) == 1


def test_no_helper_is_used_or_started_when_switched_off(student, helper_dir):
    stage_file(student).write_text(stage_file(student).read_text() + WRONG_MLE)
    for switch in ({"MAPCOURSE_CHECK_SERVER": "0"}, {"CI": "true", "MAPCOURSE_CHECK_SERVER": ""}):
        done = check(student, helper_dir, "1", **switch)
        assert "failing      1/3 tests pass" in row(done.stdout, 1)
    time.sleep(3.0)  # a helper would have bound its socket by now
    assert not list(helper_dir.glob("*.sock")) and helper_pids(helper_dir) == []


def test_the_switch_and_ci_decide_whether_a_helper_is_used(monkeypatch):
    monkeypatch.delenv(processes.NO_FORK, raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MAPCOURSE_CHECK_SERVER", raising=False)
    assert server.enabled()
    monkeypatch.setenv("CI", "true")
    assert not server.enabled()
    monkeypatch.setenv("MAPCOURSE_CHECK_SERVER", "")  # set but empty: as if unset
    assert not server.enabled()
    monkeypatch.setenv("MAPCOURSE_CHECK_SERVER", "1")
    assert server.enabled()
    monkeypatch.setenv("MAPCOURSE_CHECK_SERVER", "0")
    monkeypatch.delenv("CI")
    assert not server.enabled()


def test_no_helper_where_stages_do_not_fork(monkeypatch):
    monkeypatch.setenv("MAPCOURSE_CHECK_SERVER", "1")
    assert server.enabled()
    monkeypatch.setenv(processes.NO_FORK, "1")
    assert not server.enabled()


def test_a_socket_folder_others_can_write_to_is_never_used(monkeypatch, tmp_path, course):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("MAPCOURSE_CHECK_SERVER_DIR", str(folder))
    assert server.runtime_dir() is None
    assert server.address(course) is None and server.request(course, [course.stages[0]]) is None
    folder.chmod(0o700)
    assert server.runtime_dir() == folder
    assert server.address(course).parent == folder


def test_the_socket_changes_with_the_course_and_the_python(monkeypatch, tmp_path, course,
                                                          student):
    from mapcourse.manifest import load_course

    monkeypatch.setenv("MAPCOURSE_CHECK_SERVER_DIR", str(tmp_path / "run"))
    here = server.address(course)
    assert server.address(load_course(student)) != here
    monkeypatch.setattr(sys, "executable", sys.executable + "-other")
    assert server.address(course) != here
