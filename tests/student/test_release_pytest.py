"""`pytest` in the release, as a student runs it: the stubs fail, each failure saying the
function is not implemented yet; the reference solutions pass."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.student.conftest import run_in, visible_test_files

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
