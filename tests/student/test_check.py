"""`mapcourse check`, through its output in a student's copy of the release.

The visible tests of stage 1 are replaced by a small known suite, so these tests say
what `check` does whatever the course's visible tests are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import types

import pytest

from tests.student.conftest import TEXTBOOK, WRONG_MLE, mapcourse, row, stage_file, student_env
from tests.student.streams import read_until


def test_untouched_stubs_are_not_started_and_the_next_step_is_stage_1(student, course):
    done = mapcourse(student, "check")
    assert done.returncode == 1
    assert f"{course.title}: 0 of {len(course.stages)} stages pass" in done.stdout
    for stage in course.stages:
        assert row(done.stdout, stage.number).split()[-2:] in (["not", "started"],
                                                               ["no", "tests"])
    assert "Stage 1, Maximum likelihood for a coin: not started yet." in done.stdout
    assert f"{TEXTBOOK}/stages/stage1_mle_coin/" in done.stdout
    assert "`mapcourse hint 1`" in done.stdout


def test_a_stage_with_only_stubs_left_says_what_is_not_implemented(student):
    stage_file(student).write_text(stage_file(student).read_text() + "\n# started\n")
    done = mapcourse(student, "check", "1")
    assert "not started  0/3 tests pass" in row(done.stdout, 1)
    assert "mle is not implemented yet (the fraction of flips" in done.stdout


def test_a_wrong_answer_shows_expected_got_and_the_idea(student):
    stage_file(student).write_text(stage_file(student).read_text() + WRONG_MLE)
    done = mapcourse(student, "check", "1")
    assert done.returncode == 1
    assert "failing      1/3 tests pass" in row(done.stdout, 1)
    assert "2 of 3 tests fail. The first:" in done.stdout  # a wrong answer before a stub
    assert "mle is the fraction of heads [three of four]" in done.stdout
    assert ("mle(3, 1) returned 0.6; expected 0.75. The MLE of a coin is the fraction of heads."
            in done.stdout)
    assert "Next: fix exercises/stage1_mle_coin.py" in done.stdout
    assert "`mapcourse hint 1`" in done.stdout


def test_a_missing_function_is_named_once_the_others_work(student, course):
    solution = (course.solutions_dir / "stage1_mle_coin.py").read_text()
    stub = stage_file(student).read_text()
    stage_file(student).write_text(solution.split("def log_likelihood")[0]
                                   + "def log_likelihood" + stub.split("def log_likelihood")[1]
                                   .split("def mle")[0] + "def mle" + solution.split("def mle")[1])
    done = mapcourse(student, "check", "1")
    assert "failing      2/3 tests pass" in row(done.stdout, 1)
    assert "log_likelihood is not implemented yet" in done.stdout


def test_a_stage_file_that_does_not_import_says_where(student):
    stage_file(student).write_text(stage_file(student).read_text() + "\ndef broken(:\n")
    done = mapcourse(student, "check", "1")
    assert "failing" in row(done.stdout, 1)
    assert "could not load your code: SyntaxError" in done.stdout
    assert "stage1_mle_coin.py, line" in done.stdout


def test_an_exception_in_the_students_code_names_the_line(student):
    stage_file(student).write_text(stage_file(student).read_text()
                                   + "\n\ndef mle(heads, tails):\n    return heads / 0\n")
    done = mapcourse(student, "check", "1")
    assert "your code raised ZeroDivisionError: division by zero (stage1_mle_coin.py" in done.stdout


def test_a_correct_stage_passes_and_the_next_stage_is_the_next_step(student, course):
    shutil.copy(course.solutions_dir / "stage1_mle_coin.py", stage_file(student))
    done = mapcourse(student, "check")
    assert "passed       3/3 tests pass" in row(done.stdout, 1)
    assert "Stage 1," not in done.stdout.split("\n\n", 2)[-1]
    one = mapcourse(student, "check", "1")
    assert one.returncode == 0
    assert "Stage 1 passes its visible tests." in one.stdout  # one stage checked, named
    assert f"{course.title}: stage 1 passes" in one.stdout


def test_stage_files_come_from_mapcourse_stage_dir_when_it_is_set(student, course, tmp_path):
    shutil.copy(course.solutions_dir / "stage1_mle_coin.py", tmp_path / "stage1_mle_coin.py")
    done = subprocess.run([sys.executable, "-m", "mapcourse", "check", "1"], cwd=student,
                          env=student_env(student) | {"MAPCOURSE_STAGE_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout
    assert "passed       3/3 tests pass" in row(done.stdout, 1)


def test_results_are_reused_until_a_file_they_depend_on_changes(student):
    stage_file(student).write_text(stage_file(student).read_text() + WRONG_MLE)
    mapcourse(student, "check", "1")
    results = student / ".mapcourse" / "results.json"
    cache = json.loads(results.read_text())
    cache["stage1_mle_coin"]["tests"][0]["message"] = "FROM THE CACHE"
    results.write_text(json.dumps(cache))
    assert "FROM THE CACHE" in mapcourse(student, "check", "1").stdout
    stage_file(student).write_text(stage_file(student).read_text() + "\n# changed\n")
    assert "FROM THE CACHE" not in mapcourse(student, "check", "1").stdout


def test_an_unknown_stage_is_one_line_and_exit_status_2(student):
    done = mapcourse(student, "check", "9")
    assert done.returncode == 2
    assert done.stderr.startswith("mapcourse check: no stage '9'") and done.stderr.count("\n") == 1


def test_a_full_check_of_untouched_stubs_is_quick(student):
    started = time.perf_counter()
    mapcourse(student, "check")
    assert time.perf_counter() - started < 10  # about 0.3 s on an idle machine


@pytest.mark.slow
def test_watch_checks_again_when_a_stage_file_changes(student):
    pytest.importorskip("watchfiles")
    watcher = subprocess.Popen([sys.executable, "-m", "mapcourse", "check", "1", "--watch"],
                               cwd=student, env=student_env(student), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert "not started" in read_until(watcher, "Watching")
        time.sleep(1.0)  # let the watcher start before the change
        stage_file(student).write_text(stage_file(student).read_text() + WRONG_MLE)
        assert "mle(3, 1) returned 0.6" in read_until(watcher, "Watching")
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)


def test_modules_this_process_already_has_never_stand_in_for_the_students(student, course,
                                                                        monkeypatch):
    from mapcourse.manifest import load_course
    from mapcourse.progress import runner

    shutil.copy(course.solutions_dir / "stage1_mle_coin.py", stage_file(student))
    impostor = types.ModuleType("stage1_mle_coin")
    impostor.mle = lambda heads, tails: 0.5
    monkeypatch.setitem(sys.modules, "stage1_mle_coin", impostor)
    monkeypatch.setitem(sys.modules, "test_stage1_mle_coin", types.ModuleType("elsewhere"))
    monkeypatch.setenv("MAPCOURSE_STAGE_DIR", str(student / "exercises"))
    student_course = load_course(student)
    outcomes = runner.run_stages(student_course, [student_course.stages[0]])
    assert [o.status for o in outcomes["stage1_mle_coin"]] == ["passed"] * 3
