"""`check` and `hint` on every system: the fresh-Python path says what the fork path says,
the commands import and run without fork, Unix sockets or fcntl, and `--watch` stops a
running check when a file is saved.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapcourse.progress import processes
from mapcourse.terms import TEST_TIME_LIMIT
from tests.student.conftest import WRONG_MLE, mapcourse, row, student_env
from tests.student.streams import read_until
from tests.student.test_check_hangs import LOOP, SUITE

WRONG_PENALTY = ("\n\ndef l2_penalty(theta, lam):\n"
                 "    return lam * float(np.sum(np.square(theta)))\n")  # not half of it

# What Windows lacks, taken away before `mapcourse` is imported.
WITHOUT_POSIX = '''
import os, signal, socket, sys
for name in ("fcntl", "resource", "termios", "pty"):
    sys.modules[name] = None
for module, names in ((os, ("fork", "forkpty", "pidfd_open", "setsid", "killpg", "getuid",
                            "getpgrp")),
                      (socket, ("AF_UNIX",)), (signal, ("SIGALRM", "SIGKILL"))):
    for name in names:
        if hasattr(module, name):
            delattr(module, name)
import mapcourse.cli.check, mapcourse.cli.hint
from mapcourse.cli import main
sys.exit(main(sys.argv[1:]))
'''


@pytest.fixture
def clone(release, course):
    """Stage 1 hangs in grid_mle (the known suite), 2 is solved, 3 is wrong, the rest untouched."""
    exercises = release / "exercises"
    (exercises / "test_stage1_mle_coin.py").write_text(SUITE)
    (exercises / "stage1_mle_coin.py").write_text(
        (course.solutions_dir / "stage1_mle_coin.py").read_text() + LOOP.format(name="grid_mle"))
    shutil.copy(course.solutions_dir / "stage2_map_table.py", exercises)
    (exercises / "stage3_gaussian_l2.py").write_text(
        (course.solutions_dir / "stage3_gaussian_l2.py").read_text() + WRONG_PENALTY)
    return release


def check(clone: Path, *args: str, fork: bool) -> subprocess.CompletedProcess:
    env = student_env(clone) | {processes.NO_FORK: "" if fork else "1"}
    (clone / ".mapcourse" / "results.json").unlink(missing_ok=True)
    return subprocess.run([sys.executable, "-m", "mapcourse", "check", *args], cwd=clone,
                          env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.slow
@pytest.mark.skipif(not processes.can_fork(), reason="compares with the fork path (Linux)")
def test_without_fork_check_says_what_it_says_with_fork(clone):
    forked, spawned = check(clone, fork=True), check(clone, fork=False)
    assert (spawned.returncode, spawned.stdout) == (forked.returncode, forked.stdout)
    assert spawned.returncode == 1
    assert "failing      3/4 tests pass" in row(spawned.stdout, 1)
    assert "passed" in row(spawned.stdout, 2)
    assert "failing" in row(spawned.stdout, 3)
    assert row(spawned.stdout, 4).split()[-2:] == ["not", "started"]
    assert f"grid_mle(4, 1) did not return within {TEST_TIME_LIMIT:g} s" in spawned.stdout


def test_check_and_hint_run_without_fork_unix_sockets_or_fcntl(clone):
    env = student_env(clone) | {"MAPCOURSE_CHECK_SERVER": "1"}  # it must turn itself off
    stage = clone / "exercises" / "stage1_mle_coin.py"
    stage.write_text(stage.read_text().replace(LOOP.format(name="grid_mle"), WRONG_MLE))

    def without_posix(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", WITHOUT_POSIX, *args], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=600, check=False)

    hint = without_posix("hint", "2")
    assert hint.returncode == 0, hint.stderr
    assert "hint 1 of" in hint.stdout
    done = without_posix("check", "1")
    assert done.returncode == 1, done.stderr
    assert "failing      3/4 tests pass" in row(done.stdout, 1)
    assert "mle is the fraction of heads [three heads]" in done.stdout
    assert done.stdout == mapcourse(clone, "check", "1").stdout  # the stored result, as usual


def test_the_release_readme_says_what_each_operating_system_gets(built_release):
    readme = (built_release / "README.md").read_text()
    section = readme.split("## Your operating system\n")[1].split("\n## ")[0]
    for system in ("Linux", "macOS", "Windows"):
        assert f"- **{system}**: " in section
    assert f"{processes.NO_FORK}=1" in section
    assert f"limit of {TEST_TIME_LIMIT:g} s" in section


@pytest.mark.slow
@pytest.mark.parametrize("fork", [True, False], ids=["fork", "no fork"])
def test_watch_stops_a_running_check_when_a_file_is_saved(clone, course, tmp_path, fork):
    pytest.importorskip("watchfiles")
    if fork and not processes.can_fork():
        pytest.skip("stages fork on Linux only")
    stage = clone / "exercises" / "stage1_mle_coin.py"
    started = tmp_path / "stage process"
    stage.write_text(f"import os\nopen({str(started)!r}, 'w').write(str(os.getpid()))\n"
                     + stage.read_text())
    env = student_env(clone) | {processes.NO_FORK: "" if fork else "1"}
    watcher = subprocess.Popen([sys.executable, "-m", "mapcourse", "check", "1", "--watch"],
                               cwd=clone, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert "Checking..." in read_until(watcher, "Checking...")
        deadline = time.monotonic() + 60
        while not started.is_file() or not started.read_text():
            assert time.monotonic() < deadline, "the stage process never started"
            time.sleep(0.1)
        hanging = int(started.read_text())
        saved = time.monotonic()
        shutil.copy(course.solutions_dir / "stage1_mle_coin.py", stage)
        report = read_until(watcher, "Watching")
        assert time.monotonic() - saved < TEST_TIME_LIMIT  # the hanging check was stopped
        assert "passed       4/4 tests pass" in row(report, 1)
        assert "did not return" not in report
        with pytest.raises(ProcessLookupError):
            os.kill(hanging, 0)
    finally:
        watcher.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            watcher.wait(timeout=30)
