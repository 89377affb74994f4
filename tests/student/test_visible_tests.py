"""The visible tests sample the contract: every correct submission passes them, the stubs
fail each one saying so, and a failure says what was expected."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mapcourse.release.leaks import find_leaks
from tests.corpus import build, cases
from tests.student.conftest import closing_counts as counts
from tests.student.conftest import failure_messages

CORRECT = cases("correct")
WRONG_STAGE_1 = '''

def log_likelihood(theta, heads, tails):
    thetas = np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_lik = heads * np.log(thetas) + tails * np.log1p(-thetas)
    return float(log_lik) if log_lik.ndim == 0 else log_lik


def mle(heads, tails):
    return heads / (heads + tails)
'''

WRONG_TIE_BREAK = '''

def map_estimate(thetas, prior, heads, tails):
    table = posterior_table(thetas, prior, heads, tails)
    return float(max(zip(table.posterior, table.theta))[1])
'''


def run_visible(course, stage_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """`pytest` in exercises/ with the stage files taken from stage_dir."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=course.exercises_dir, capture_output=True, text=True, timeout=600, check=False,
        env=env | {"MAPCOURSE_STAGE_DIR": str(stage_dir), "PYTHONDONTWRITEBYTECODE": "1"})


def public_functions(path: Path) -> set[str]:
    return {node.name for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")}


def test_every_function_of_every_stage_has_visible_tests(course):
    for stage in course.stages:
        tests = (course.exercises_dir / f"test_{stage.id}.py").read_text()
        untested = {name for name in public_functions(course.solutions_dir / stage.filename)
                    if not re.search(rf"\b{name}\(", tests)}
        assert untested == set(), f"{stage.id}: no visible test calls {sorted(untested)}"


def test_the_visible_tests_give_away_no_hidden_test_name_and_no_solution_line(course):
    assert find_leaks(course, course.exercises_dir) == []


def test_visible_tests_pass_on_the_reference_solutions(course):
    done = run_visible(course, course.solutions_dir)
    assert done.returncode == 0, done.stdout[-3000:]
    assert counts(done.stdout).get("passed", 0) >= 20 * len(course.stages)


def test_every_visible_test_fails_on_the_stubs_saying_not_implemented_yet(course, tmp_path):
    junit = tmp_path / "junit.xml"
    done = run_visible(course, course.exercises_dir, f"--junit-xml={junit}")
    failed = counts(done.stdout).get("failed", 0)
    assert failed > 0 and set(counts(done.stdout)) == {"failed"}, done.stdout[-3000:]
    messages = failure_messages(junit)
    assert len(messages) == failed
    assert all(message.startswith("not implemented yet: ") for message in messages), messages


def test_a_missing_check_fails_saying_which_argument_the_error_should_name(course, tmp_path):
    stage_file = tmp_path / "stage1_mle_coin.py"
    stage_file.write_text((course.solutions_dir / "stage1_mle_coin.py").read_text()
                          + WRONG_STAGE_1)
    done = run_visible(course, tmp_path, "test_stage1_mle_coin.py")
    said = " ".join(done.stdout.split())  # the messages as sentences, whatever their wrapping
    assert done.returncode == 1
    assert ("log_likelihood(1.01, 2, 2) returned nan; expected it to raise ValueError"
            in said), done.stdout[-3000:]
    assert "'theta'" in said
    assert "mle(1, -1) raised ZeroDivisionError: division by zero; expected a ValueError" in said
    assert "log_likelihood(1.0, 5, 0) returned nan; expected 0.0" in said


@pytest.mark.slow
@pytest.mark.parametrize("case", CORRECT, ids=[case.name for case in CORRECT])
def test_visible_tests_pass_on_a_correct_but_unusual_submission(course, case, tmp_path):
    submission = build(case, tmp_path)
    done = run_visible(course, submission)
    assert done.returncode == 0, done.stdout[-3000:]


def test_a_tie_broken_toward_the_largest_theta_fails_the_visible_tests(course, tmp_path):
    stage_file = tmp_path / "stage2_map_table.py"
    stage_file.write_text((course.solutions_dir / "stage2_map_table.py").read_text()
                          + WRONG_TIE_BREAK)
    done = run_visible(course, tmp_path, "test_stage2_map_table.py")
    said = " ".join(done.stdout.split())
    assert done.returncode == 1, done.stdout[-3000:]
    assert "map_estimate([0.3, 0.6], [0.5, 0.5], 0, 0) returned 0.6" in said, done.stdout[-3000:]
    assert "map_estimate([0.8, 0.2, 0.7], [0.2, 0.4, 0.4], 0, 0) returned 0.7" in said
