"""Shared fixtures for the textbook's tests: the course root and a copy of it to change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mapcourse.manifest import Course, load_course

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A throwaway course root: course.toml and solutions/, free to edit."""
    shutil.copy(ROOT / "course.toml", tmp_path / "course.toml")
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    return tmp_path


def make_site(site_dir: Path, command: str = "build") -> None:
    """The site made the way the docs say: `python -m mapcourse.site build` (or `pdf`)."""
    done = subprocess.run(
        [sys.executable, "-m", "mapcourse.site", command, "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
