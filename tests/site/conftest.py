"""Shared fixtures for the textbook's tests: the course root and a copy of it to change."""

from __future__ import annotations

import shutil
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
