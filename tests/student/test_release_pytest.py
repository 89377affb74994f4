"""`pytest` in the release, as a student runs it: the stubs fail, each failure saying the
function is not implemented yet; the reference solutions pass; a function that never
returns stops the run at the grader's per-test limit, and the last line names it."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from mapcourse.terms import TEST_TIME_LIMIT
from tests.student.conftest import release_cli, run_in, visible_test_files

pytestmark = pytest.mark.slow


def outcome_counts(output: str) -> dict[str, int]:
    """`{"failed": 3, "passed": 1}` from pytest's closing line."""
    closing = output.strip().splitlines()[-1]
    return {word: int(count) for count, word in re.findall(r"(\d+) (\w+)", closing)}


@pytest.fixture
def visible_tests(course):
    if not visible_test_files(course):
        pytest.skip("no visible tests in exercises/ yet")
    return visible_test_files(course)


def test_pytest_on_the_stubs_fails_and_says_not_implemented(release, visible_tests):
    done = run_in(release, "pytest", "-q", "-p", "no:cacheprovider")
    counts = outcome_counts(done.stdout)
    assert done.returncode == 1, done.stdout[-3000:]
    assert counts.get("failed", 0) > 0 and "error" not in counts and "errors" not in counts
    assert done.stdout.count("\nnot implemented yet: ") == counts["failed"], done.stdout[-3000:]


def test_pytest_passes_with_the_reference_solutions_copied_in(release, course, visible_tests):
    for stage in course.stages:
        shutil.copy(course.solutions_dir / stage.filename, release / "exercises" / stage.filename)
    done = run_in(release, "pytest", "-q", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout[-3000:]
    assert outcome_counts(done.stdout).get("passed", 0) > 0


NEVER_RETURNS = """

def grid_mle(heads, tails, grid_size=1001):
    theta = 0.0
    while theta < 1:
        theta *= 2
"""


@pytest.mark.parametrize("command", [[], ["exercises/test_stage1_mle_coin.py"]],
                         ids=["pytest in the repository", "pytest on one stage's tests"])
def test_a_function_that_never_returns_is_named_at_the_time_limit(tmp_path, course,
                                                                  visible_tests, command):
    release = tmp_path / "student-repo"
    built = release_cli(str(release))
    assert built.returncode == 0, built.stderr
    for stage in course.stages:
        shutil.copy(course.solutions_dir / stage.filename, release / "exercises" / stage.filename)
    with (release / "exercises" / "stage1_mle_coin.py").open("a") as stage_file:
        stage_file.write(NEVER_RETURNS)
    start = time.monotonic()
    done = run_in(release, "pytest", "-p", "no:cacheprovider", *command,
                  timeout=TEST_TIME_LIMIT + 120)
    took = time.monotonic() - start
    last = done.stdout.strip().splitlines()[-3:]
    assert done.returncode == 1, done.stdout[-3000:]
    assert took >= TEST_TIME_LIMIT
    assert re.match(rf"grid_mle\(.*\) did not return within {TEST_TIME_LIMIT:g} s: it was "
                    r"running line \d+ of stage1_mle_coin\.py\. Look for a loop", last[-1]), last
    assert last[1].strip() == "while theta < 1:"
    assert "Stack of" not in done.stdout + done.stderr
