"""Fixtures for the student side: a release built once per session, and copies of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from mapcourse.manifest import Course, load_course
from mapcourse.release import build_release

ROOT = Path(__file__).resolve().parents[2]
TEXTBOOK = "https://course.example.org/textbook"


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


@pytest.fixture(scope="session")
def built_release(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release as `mapcourse release` writes it; never modified by a test."""
    target = tmp_path_factory.mktemp("release") / "student-repo"
    build_release(course, target, textbook=TEXTBOOK)
    return target


@pytest.fixture
def release(built_release: Path, tmp_path: Path) -> Path:
    """A copy of the release that a test may change, as a student's clone."""
    return Path(shutil.copytree(built_release, tmp_path / "student-repo"))


def student_env(release: Path) -> dict[str, str]:
    """The environment of a student who installed the release (its src/ first on the path).
    `check` starts no warm helper here (tests/student/test_check_server.py tests it)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAPCOURSE_ROOT", "MAPCOURSE_STAGE_DIR", "PYTHONPATH")}
    return env | {"PYTHONPATH": str(release / "src"), "PYTHONDONTWRITEBYTECODE": "1",
                  "MAPCOURSE_CHECK_SERVER": "0"}


def run_in(release: Path, *args: str, timeout: float = 600, columns: int | None = None
           ) -> subprocess.CompletedProcess:
    """`python -m ARGS` in the release, as its student would run it (on a terminal
    `columns` wide, when given)."""
    env = student_env(release) | ({"COLUMNS": str(columns)} if columns else {})
    return subprocess.run([sys.executable, "-m", *args], cwd=release, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def mapcourse(release: Path, *args: str) -> subprocess.CompletedProcess:
    return run_in(release, "mapcourse", *args)


def release_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess:
    """`mapcourse release ARGS`, as an instructor runs it in the course."""
    return subprocess.run([sys.executable, "-m", "mapcourse", "release", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def visible_test_files(course: Course) -> list[Path]:
    return [course.exercises_dir / f"test_{stage.id}.py" for stage in course.stages
            if (course.exercises_dir / f"test_{stage.id}.py").is_file()]


# `mapcourse check`'s tests replace the visible tests of stage 1 by this small known suite,
# so they say what `check` does whatever the course's visible tests are.
SUITE = '''
import pytest
from mapcourse.checks import expect_close

import stage1_mle_coin as stage


@pytest.mark.parametrize(("heads", "tails"), [(3, 1), (0, 2)], ids=["three of four", "no heads"])
def test_mle_is_the_fraction_of_heads(heads, tails):
    expect_close(stage.mle(heads, tails), heads / (heads + tails), call=f"mle({heads}, {tails})",
                 concept="The MLE of a coin is the fraction of heads.")


def test_log_likelihood_of_one_head_and_one_tail():
    expect_close(stage.log_likelihood(0.5, 1, 1), -1.3862943611198906,
                 call="log_likelihood(0.5, 1, 1)")
'''
WRONG_MLE = '''

def mle(heads, tails):
    return heads / (heads + tails + 1)
'''


@pytest.fixture
def student(release, course):
    """A student's clone whose stage 1 has the known suite."""
    (release / "exercises" / "test_stage1_mle_coin.py").write_text(SUITE)
    return release


def stage_file(student):
    return student / "exercises" / "stage1_mle_coin.py"


def row(output: str, number: int) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"  {number}  "))


def closing_counts(output: str) -> dict[str, int]:
    """`{"failed": 3, "passed": 1}` from pytest's closing line (the run's own last line, which
    says where the student stands, comes after it)."""
    closing = next(line for line in reversed(output.strip().splitlines())
                   if re.search(r"\d+ (passed|failed|errors?|skipped)\b.* in [\d.]+s", line))
    return {word: int(count) for count, word in re.findall(r"(\d+) (\w+)", closing)}


def failure_messages(junit: Path) -> list[str]:
    """The message of each failed test in a JUnit XML report."""
    return [failure.get("message", "") for failure in ElementTree.parse(junit).iter("failure")]
