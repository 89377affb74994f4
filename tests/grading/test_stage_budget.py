"""A stage's time budget: a stage that hangs costs one budget, and says so; good work is
untouched by it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from mapcourse.grading.runner import grade_submission
from mapcourse.grading.suites import HiddenSuites
from mapcourse.manifest import load_course
from mapcourse.sandbox.session import LocalRuntime

COURSE = load_course()
STAGE = "stage1_mle_coin"
TIMEOUT, BUDGET = 0.4, 0.8
HANGS = "\n\ndef mle(heads, tails):\n    while True:\n        pass\n" \
        "\n\ndef grid_mle(heads, tails, grid_size=1001):\n    while True:\n        pass\n"


@pytest.fixture
def correct(tmp_path: Path) -> Path:
    """A submission of the reference stage alone."""
    shutil.copy(COURSE.solutions_dir / f"{STAGE}.py", tmp_path)
    return tmp_path


@pytest.fixture
def hanging(correct: Path) -> Path:
    stage = correct / f"{STAGE}.py"
    stage.write_text(stage.read_text() + HANGS)
    return correct


def grade_stage(folder: Path, budget: float | None):
    with HiddenSuites(COURSE, TIMEOUT, stages=[STAGE], stage_budget=budget) as suites:
        started = time.monotonic()
        result = grade_submission(COURSE, folder, LocalRuntime(), suites=suites)
        return result.stage(STAGE), time.monotonic() - started


def test_a_hanging_stage_stops_at_its_budget_and_names_it(hanging):
    unlimited, unlimited_seconds = grade_stage(hanging, None)
    budgeted, seconds = grade_stage(hanging, BUDGET)
    hung = [test for test in unlimited.tests if test.status == "timeout"]
    assert len(hung) * TIMEOUT > 2 * BUDGET  # without a budget the stage costs far more
    assert seconds < BUDGET + TIMEOUT < unlimited_seconds
    stopped = [test for test in budgeted.tests if "time budget of 0.8 s" in test.message]
    assert stopped and all(test.status == "timeout" and test.score == 0 for test in stopped)
    assert budgeted.score == unlimited.score  # the groups that pass still pass


def test_the_budget_leaves_a_correct_stage_its_full_marks(correct):
    stage, _seconds = grade_stage(correct, BUDGET * 10)
    assert stage.score == stage.max_score
    assert all(test.status == "passed" for test in stage.tests)
