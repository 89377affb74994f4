"""Fixtures for the student side: a release built once per session, and copies of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    """The environment of a student who installed the release (its src/ first on the path)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAPCOURSE_ROOT", "MAPCOURSE_STAGE_DIR", "PYTHONPATH")}
    return env | {"PYTHONPATH": str(release / "src"), "PYTHONDONTWRITEBYTECODE": "1"}


def run_in(release: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m ARGS` in the release, as its student would run it."""
    return subprocess.run([sys.executable, "-m", *args], cwd=release, env=student_env(release),
                          capture_output=True, text=True, timeout=timeout, check=False)


def mapcourse(release: Path, *args: str) -> subprocess.CompletedProcess:
    return run_in(release, "mapcourse", *args)


def visible_test_files(course: Course) -> list[Path]:
    return [course.exercises_dir / f"test_{stage.id}.py" for stage in course.stages
            if (course.exercises_dir / f"test_{stage.id}.py").is_file()]
