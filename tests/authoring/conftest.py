"""Fixtures for authoring a course: copies of this course to change as an author would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What an author's fork holds besides the engine: the course's own sources and generated files.
COURSE_PARTS = ("course.toml", "pyproject.toml", "README.md", "mkdocs.yml", "package.json",
                "package-lock.json", "solutions", "exercises", "autograder", "docs",
                "examples", "nbgrader")
IGNORE = shutil.ignore_patterns("__pycache__", "assets", ".ipynb_checkpoints")


def copy_course(target: Path, parts: tuple[str, ...] = COURSE_PARTS) -> Path:
    """A copy of this course at target (the engine stays installed from this checkout)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in parts:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=IGNORE)
        elif source.is_file():
            shutil.copy(source, target / name)
    return target


def mapcourse(root: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """`mapcourse ARGS` run in the course at root."""
    environment = {**os.environ, "MAPCOURSE_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "mapcourse", *args], cwd=root,
                          env=environment, capture_output=True, text=True, timeout=timeout)


def build_site(root: Path, site: Path, timeout: float = 900) -> str:
    """`mkdocs build --strict` of the course at root into site; the home page's HTML."""
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                            str(site)], cwd=root, capture_output=True, text=True, timeout=timeout,
                           env={**os.environ, "MAPCOURSE_ROOT": str(root)})
    assert built.returncode == 0, built.stderr[-3000:]
    return (site / "index.html").read_text()


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")
