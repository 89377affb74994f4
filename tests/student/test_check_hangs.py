"""A stage that hangs under `check`: the function named within the per-test limit, the
other tests still run, on the fork path and on the fresh-Python path alike.

The visible tests of stage 1 are replaced by a small known suite and the per-test limit
is shortened (the runner hands it to the stage processes), so each hang costs seconds.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from mapcourse.manifest import load_course
from mapcourse.progress import processes, runner
from mapcourse.progress.watchdog import GRACE, from_dump, hang_message

LIMIT = 2.0
SUITE = '''
import pytest

import stage1_mle_coin as stage


def test_grid_search_finds_the_fraction_of_heads():
    assert stage.grid_mle(4, 1) == 0.8


@pytest.mark.parametrize("heads", [3, 0], ids=["three heads", "no heads"])
def test_mle_is_the_fraction_of_heads(heads):
    assert stage.mle(heads, 1) == heads / (heads + 1)


def test_log_likelihood_of_one_head_and_one_tail_is_negative():
    assert stage.log_likelihood(0.5, 1, 1) < 0
'''
LOOP = "\n\ndef {name}(heads, tails, grid_size=1001):\n    steps = 0\n    while True:\n" \
       "        steps += 1\n"


@pytest.fixture(params=["fork", "no fork"])
def path(request, monkeypatch):
    """Both ways a stage runs: forked from check (Linux), or in a fresh Python."""
    if request.param == "fork" and not processes.can_fork():
        pytest.skip("stages fork on Linux only")
    monkeypatch.setenv(processes.NO_FORK, "1" if request.param == "no fork" else "")
    monkeypatch.setattr(runner, "TEST_TIME_LIMIT", LIMIT)
    return request.param


@pytest.fixture
def clone(release, course, monkeypatch):
    """A student's clone: stage 1 solved but for what a test appends, with the known suite."""
    (release / "exercises" / "test_stage1_mle_coin.py").write_text(SUITE)
    (release / "exercises" / "stage1_mle_coin.py").write_text(
        (course.solutions_dir / "stage1_mle_coin.py").read_text())
    monkeypatch.setenv("MAPCOURSE_STAGE_DIR", str(release / "exercises"))
    return release


def run(clone: Path, count: int = 1) -> dict[str, tuple[runner.TestOutcome, ...]]:
    course = load_course(clone)
    return runner.run_stages(course, list(course.stages[:count]))


def append(clone: Path, code: str) -> None:
    stage = clone / "exercises" / "stage1_mle_coin.py"
    stage.write_text(stage.read_text() + code)


def by_test(outcomes: tuple[runner.TestOutcome, ...]) -> dict[str, runner.TestOutcome]:
    return {outcome.title: outcome for outcome in outcomes}


def test_a_function_that_never_returns_is_named_and_the_other_tests_still_run(clone, path):
    append(clone, LOOP.format(name="grid_mle"))
    started = time.monotonic()
    tests = by_test(run(clone)["stage1_mle_coin"])
    assert time.monotonic() - started < LIMIT + 20
    hung = tests["grid search finds the fraction of heads"]
    assert hung.status == "timeout"
    assert hung.message.startswith(f"grid_mle(4, 1) did not return within {LIMIT:g} s: it was "
                                   "running line ")
    assert "of stage1_mle_coin.py. Look for a loop that never ends" in hung.message
    assert [test.status for title, test in tests.items() if test is not hung] == ["passed"] * 3


def test_the_other_cases_of_a_test_that_hung_are_left_out(clone, path):
    append(clone, LOOP.format(name="mle").replace("grid_size=1001", "extra=None"))
    tests = by_test(run(clone)["stage1_mle_coin"])
    assert tests["mle is the fraction of heads [three heads]"].message.startswith(
        f"mle(3, 1) did not return within {LIMIT:g} s")
    left_out = tests["mle is the fraction of heads [no heads]"]
    assert left_out.status == "timeout"
    assert left_out.message == (f"not run: the case [three heads] of this test did not return "
                                f"within {LIMIT:g} s, so its other cases were left out.")
    assert tests["grid search finds the fraction of heads"].status == "passed"
    assert tests["log likelihood of one head and one tail is negative"].status == "passed"


def test_a_hang_in_a_tests_teardown_is_a_second_outcome_and_the_tests_after_it_run(clone, path):
    (clone / "exercises" / "test_stage1_mle_coin.py").write_text(
        "import pytest\n\nimport stage1_mle_coin as stage\n\n\n@pytest.fixture\n"
        "def then_a_grid_search():\n    yield\n    stage.grid_mle(4, 1)\n\n\n"
        "def test_mle_of_four_heads_and_one_tail(then_a_grid_search):\n"
        "    assert stage.mle(4, 1) == 0.8\n\n\ndef test_log_likelihood_is_negative():\n"
        "    assert stage.log_likelihood(0.5, 1, 1) < 0\n")
    append(clone, LOOP.format(name="grid_mle"))
    outcomes = run(clone)["stage1_mle_coin"]
    assert [(outcome.test, outcome.status) for outcome in outcomes] == [
        ("test_mle_of_four_heads_and_one_tail", "passed"),
        ("test_mle_of_four_heads_and_one_tail", "timeout"),
        ("test_log_likelihood_is_negative", "passed")]
    assert outcomes[1].message.startswith("grid_mle(4, 1) did not return within")


def test_a_hang_in_compiled_code_is_named_from_faulthandlers_stacks(clone, path):
    append(clone, "\n\ndef grid_mle(heads, tails, grid_size=1001):\n"
                  "    return sum(range(10**13))\n")  # one C call: no other thread runs
    started = time.monotonic()
    tests = by_test(run(clone)["stage1_mle_coin"])
    assert time.monotonic() - started >= LIMIT + GRACE - 0.5
    hung = tests["grid search finds the fraction of heads"]
    assert hung.status == "timeout"
    assert hung.message.startswith(f"grid_mle did not return within {LIMIT:g} s: it was running "
                                   "line ")
    assert sum(test.status == "passed" for test in tests.values()) == 3


def test_a_test_process_that_ends_midway_is_reported_and_the_rest_still_run(clone, path):
    append(clone, "\n\ndef grid_mle(heads, tails, grid_size=1001):\n    import os\n"
                  "    os._exit(3)\n")
    tests = by_test(run(clone)["stage1_mle_coin"])
    ended = tests["grid search finds the fraction of heads"]
    assert (ended.status, ended.message.split(",")[0]) == (
        "error", "the test process ended (exit status 3) during this test")
    assert sum(test.status == "passed" for test in tests.values()) == 3


def test_a_hang_while_importing_the_stage_stops_that_stage_and_what_it_started(clone, path):
    append(clone, "\nimport subprocess\nsubprocess.Popen(['sleep', '301'])\nwhile True:\n"
                  "    pass\n")
    outcomes = run(clone, count=2)
    [loading] = outcomes["stage1_mle_coin"]
    assert (loading.title, loading.status) == ("loading the stage", "timeout")
    assert loading.message.startswith(f"importing stage1_mle_coin.py did not finish within "
                                      f"{LIMIT:g} s: it was running line ")
    assert {outcome.status for outcome in outcomes["stage2_map_table"]} == {"not-implemented"}
    if os.name == "posix":
        sleepers = subprocess.run(["pgrep", "-f", "sleep 301"], capture_output=True, text=True)
        assert sleepers.stdout.strip() == ""


def test_a_stage_process_past_the_stage_limit_is_stopped(clone, path, monkeypatch):
    monkeypatch.setattr(runner, "TEST_TIME_LIMIT", 60.0)
    monkeypatch.setattr(runner, "TIME_LIMIT", 2.0)
    append(clone, LOOP.format(name="grid_mle"))
    started = time.monotonic()
    outcomes = run(clone)["stage1_mle_coin"]
    assert time.monotonic() - started < 20
    assert "did not finish within 2 s" in outcomes[-1].message


DUMP = '''Timeout (0:00:12)!
Thread 0x00007f0000000001 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/usr/lib/python3.11/threading.py", line 1380 in run

Thread 0x00007f0000000002 (most recent call first):
  File "{folder}/helpers.py", line 7 in search
  File "{folder}/stage1_mle_coin.py", line 40 in grid_mle
  File "{folder}/test_stage1_mle_coin.py", line 8 in test_grid_search_finds_the_fraction_of_heads
  File "/site-packages/_pytest/python.py", line 159 in pytest_pyfunc_call
'''


def test_faulthandlers_stacks_name_the_function_called_and_the_line_running(tmp_path):
    hang = from_dump(DUMP.format(folder=tmp_path), tmp_path)
    assert hang_message(hang, 10.0) == (
        "grid_mle did not return within 10 s: it was running line 7 of helpers.py, in search. "
        "Look for a loop that never ends, or work that grows far too fast.")
    assert from_dump(DUMP.format(folder=tmp_path / "elsewhere"), tmp_path) is None
    assert hang_message(None, 10.0).startswith("the test did not finish within 10 s, in the "
                                               "test's own code")
