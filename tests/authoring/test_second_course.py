"""The engine does not know this course: tests/second_course/ (two stages, no torch, its own
manifest) is graded, regenerated, released, made an nbgrader course and built as a site by
the same commands, unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mapcourse.manifest import load_course
from mapcourse.release.leaks import find_leaks
from tests.authoring.conftest import ROOT, build_site, mapcourse

SECOND = ROOT / "tests" / "second_course"


def test_the_second_course_is_its_own():
    course = load_course(SECOND)
    assert course.title != load_course(ROOT).title
    assert [stage.number for stage in course.stages] == [1, 2]
    assert "torch" not in course.modules and not course.codecs
    assert not [line for line in (SECOND / "pyproject.toml").read_text().splitlines()
                if "torch" in line]


def test_its_generated_files_are_current_and_its_description_is_the_commands():
    done = mapcourse(SECOND, "regenerate", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    helped = mapcourse(SECOND, "--help")
    assert load_course(SECOND).description in " ".join(helped.stdout.split())


@pytest.fixture
def second_course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(SECOND, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "src").symlink_to(ROOT / "src")  # mkdocs.yml's hook, by path, as in a fork
    if (ROOT / "node_modules").is_dir():
        (root / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX
    return root


@pytest.mark.slow
def test_the_second_course_end_to_end(second_course, tmp_path):
    root, course = second_course, load_course(second_course)
    class_dir = tmp_path / "class"
    for name, folder in (("stub", course.exercises_dir), ("solved", course.solutions_dir)):
        (class_dir / name).mkdir(parents=True)
        for stage in course.stages:
            shutil.copy(folder / stage.filename, class_dir / name)
    graded = mapcourse(root, "grade", str(class_dir), "--format", "json")
    assert graded.returncode == 0, graded.stderr
    scores = {s["id"]: s for s in json.loads(graded.stdout)["submissions"]}
    assert scores["solved"]["score"] == scores["solved"]["max_score"] == 20
    assert scores["stub"]["score"] == 0
    assert [s["stage"] for s in scores["solved"]["stages"]] == [s.id for s in course.stages]

    solution = root / "solutions" / "stage1_count_heads.py"
    solution.write_text(solution.read_text() + "\n# (changed)\n")
    assert mapcourse(root, "regenerate", "--check").returncode == 1
    regenerated = mapcourse(root, "regenerate")
    assert "rewrote: exercises/stage1_count_heads.py (from stubs)" in regenerated.stdout

    release = tmp_path / "release"
    assert mapcourse(root, "release", str(release)).returncode == 0
    readme = (release / "README.md").read_text()
    assert all(stage.filename in readme for stage in course.stages)
    assert find_leaks(course, release) == []

    notebooks = tmp_path / "nbgrader"
    made = mapcourse(root, "nbgrader", str(notebooks))
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (notebooks / "source").iterdir()) == [
        s.id for s in course.stages]
    assert mapcourse(root, "nbgrader", str(notebooks), "--check").returncode == 0

    site = tmp_path / "site"
    home = build_site(root, site, timeout=600)
    for stage in course.stages:
        assert f'href="stages/{stage.id}/"' in home
        assert stage.title in (site / "stages" / stage.id / "index.html").read_text()
    assert course.title in home and "Maximum likelihood for a coin" not in home
