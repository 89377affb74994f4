"""`pytest` in the release, as a student runs it (default options, 80 columns): the stubs
fail, each saying the function is not implemented yet, in a run that says at both ends where
to start; the reference solutions pass; a stage that does not import, and a function that
never returns, fail only their own tests, and every other stage still runs and passes."""

from __future__ import annotations

import math
import re
import shutil

import pytest

from mapcourse.terms import TEST_TIME_LIMIT
from tests.student.conftest import closing_counts, failure_messages, run_in, visible_test_files

pytestmark = pytest.mark.slow
COLUMNS = 80
MOST_LINES = 40  # the stubs' whole run, counted at COLUMNS


@pytest.fixture
def visible_tests(course):
    if not visible_test_files(course):
        pytest.skip("no visible tests in exercises/ yet")
    return visible_test_files(course)


def student_pytest(release, *args: str, timeout: float = 600):
    """Plain `pytest` in the release at 80 columns (no cache written)."""
    return run_in(release, "pytest", "-p", "no:cacheprovider", *args, timeout=timeout,
                  columns=COLUMNS)


def screen_lines(output: str) -> int:
    """How many lines the output takes on a terminal COLUMNS wide."""
    return sum(max(1, math.ceil(len(line) / COLUMNS)) for line in output.rstrip().splitlines())


def with_solutions(release, course):
    for stage in course.stages:
        shutil.copy(course.solutions_dir / stage.filename, release / "exercises" / stage.filename)


def count_tests(course, release, *stage_numbers: int) -> int:
    """How many visible tests the stages have."""
    done = run_in(release, "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                  *(f"exercises/test_{course.stages[n - 1].id}.py" for n in stage_numbers))
    return sum(1 for line in done.stdout.splitlines() if "::" in line)


def test_pytest_on_the_stubs_says_where_to_start_in_forty_lines(release, course, visible_tests,
                                                                tmp_path):
    junit = tmp_path / "junit.xml"
    done = student_pytest(release, f"--junit-xml={junit}")
    counts = closing_counts(done.stdout)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 1, done.stdout[-3000:]
    assert set(counts) == {"failed"}, done.stdout[-3000:]
    messages = failure_messages(junit)
    assert len(messages) == counts["failed"]
    assert all(message.startswith("not implemented yet: ") for message in messages), messages
    first = course.stages[0]
    start = f"Start with stage 1: write log_likelihood in {first.filename}"
    assert lines[0].startswith(start), lines[:3]
    last = " ".join(lines[-2:])  # the closing sentence, wrapped at 80 columns
    assert last.startswith(start) and last.endswith(
        f"Stages not started: 1-{len(course.stages)}."), lines[-3:]
    for stage in course.stages:
        assert re.search(rf"^stage {stage.number}  .*not started$", done.stdout, re.M)
    assert screen_lines(done.stdout) <= MOST_LINES, done.stdout


def test_pytest_passes_with_the_reference_solutions_copied_in(release, course, visible_tests):
    with_solutions(release, course)
    done = student_pytest(release)
    assert done.returncode == 0, done.stdout[-3000:]
    assert closing_counts(done.stdout).get("passed", 0) > 0
    assert " ".join(done.stdout.strip().splitlines()[-2:]).startswith(
        "Every stage here passes its visible tests: commit and push"), done.stdout[-500:]


SYNTAX_ERROR = "\n\ndef broken(:\n    pass\n"


def test_a_stage_that_does_not_import_fails_only_its_own_tests(release, course, visible_tests):
    with_solutions(release, course)
    stage1 = release / "exercises" / course.stages[0].filename
    stage1.write_text(stage1.read_text() + SYNTAX_ERROR)
    syntax_line = len(stage1.read_text().splitlines()) - 1
    stage3 = release / "exercises" / course.stages[2].filename
    source = stage3.read_text().splitlines()
    at = next(index for index, line in enumerate(source) if line.startswith("import "))
    stage3.write_text("\n".join([*source[:at], "import scipy_not_installed", *source[at:]]) + "\n")
    done = student_pytest(release)
    counts = closing_counts(done.stdout)
    assert done.returncode == 1, done.stdout[-3000:]
    assert counts.get("failed") == count_tests(course, release, 1, 3), done.stdout[-3000:]
    assert counts.get("passed") == count_tests(course, release, 2, 4, 5, 6), done.stdout[-3000:]
    assert "error" not in counts and "errors" not in counts
    said = " ".join(done.stdout.split())  # the output as sentences, whatever its wrapping
    assert f"SyntaxError: invalid syntax ({stage1.name}, line {syntax_line})" in said, said
    assert (f"ModuleNotFoundError: No module named 'scipy_not_installed' ({stage3.name}, line "
            f"{at + 1}, in <module>)") in said, said
    assert "Interrupted" not in done.stdout
    assert said.endswith("failing: 1, 3."), done.stdout[-500:]


NEVER_RETURNS = """

def mle(heads, tails):
    flips = heads + tails
    while flips > 0:
        flips += 1
    return heads / flips
"""


@pytest.mark.parametrize("command", [[], ["exercises/test_stage1_mle_coin.py", "-o",
                                          "timeout_method=thread"]],
                         ids=["pytest in the repository (the signal method)",
                              "pytest on one stage's tests with the thread method (Windows)"])
def test_a_function_that_never_returns_fails_alone_and_the_run_goes_on(release, course,
                                                                        visible_tests, command):
    with_solutions(release, course)
    stage1 = release / "exercises" / course.stages[0].filename
    stage1.write_text(stage1.read_text() + NEVER_RETURNS)
    loop = len(stage1.read_text().splitlines()) - 2
    done = student_pytest(release, *command, timeout=TEST_TIME_LIMIT * 20 + 120)
    counts = closing_counts(done.stdout)
    assert done.returncode == 1, done.stdout[-3000:]
    said = " ".join(done.stdout.split())
    assert re.search(rf"mle\(7, 3\) did not return within {TEST_TIME_LIMIT:g} s: it was "
                     rf"running line {loop} of stage1_mle_coin\.py\. Look for a loop", said), said
    assert f"stage1_mle_coin.py, line {loop}:\n    while flips > 0:" in done.stdout
    assert "the tests after it did not run" not in done.stdout
    stages = (1,) if command else (1, 2, 3, 4, 5, 6)
    assert counts["passed"] + counts["failed"] == count_tests(course, release, *stages)
    if not command:
        assert counts["passed"] >= count_tests(course, release, 2, 3, 4, 5, 6)
        assert said.endswith("failing: 1."), done.stdout[-500:]
    assert "Stack of" not in done.stdout + done.stderr
