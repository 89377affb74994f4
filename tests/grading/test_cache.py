"""The grading cache is used only under its own key, stays private, and never changes a grade."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
from pathlib import Path

import pytest

from mapcourse.grading import cache
from mapcourse.grading.runner import grade_submission
from mapcourse.manifest import load_course
from mapcourse.sandbox.session import LocalRuntime

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course(ROOT)


def course_copy(tmp_path: Path):
    """A copy of what the key reads: the manifest, the hidden suites, the solutions."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "course.toml", root)
    for folder in (COURSE.hidden_tests_dir, COURSE.solutions_dir, COURSE.exercises_dir):
        shutil.copytree(folder, root / folder.name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return load_course(root)


@pytest.fixture
def fixed_versions(monkeypatch):
    """Package versions without importing the packages (torch takes seconds)."""
    versions = {"torch": "2.13.0", "numpy": "2.0", "pytest": "9", "hypothesis": "6"}
    monkeypatch.setattr(cache, "_version", lambda name: versions.get(name, "?"))
    return versions


def test_the_key_follows_suites_solutions_manifest_and_versions(tmp_path, fixed_versions):
    copy = course_copy(tmp_path)
    key = cache.cache_key(copy)
    assert key == cache.cache_key(load_course(ROOT))  # the content, not where it lives
    suite = copy.hidden_suite(copy.stages[0])
    original = suite.read_text()
    suite.write_text(original + "\n# one more line\n")
    assert cache.cache_key(copy) != key
    suite.write_text(original)
    assert cache.cache_key(copy) == key
    solution = copy.solutions_dir / copy.stages[-1].filename
    solution.write_text(solution.read_text().replace("def ", "def  ", 1))
    changed = cache.cache_key(copy)
    assert changed != key
    (copy.hidden_tests_dir / "helpers.py").write_text("X = 1\n")  # a new file counts too
    assert cache.cache_key(copy) not in (key, changed)
    fixed_versions["torch"] = "2.14.0"
    assert cache.cache_key(load_course(ROOT)) != key


def test_a_file_under_another_key_or_damaged_is_never_used(tmp_path):
    course = dataclasses.replace(COURSE, root=tmp_path)
    stored = cache.CourseCache("key-one", {"test_x.py::test_y": ({"n": 1},)}, {})
    path = cache.save(course, stored)
    assert path == tmp_path / cache.CACHE_FOLDER / cache.FILE_NAME
    assert cache.load(course, "key-one") == stored
    assert cache.load(course, "key-two") is None
    path.write_bytes(path.read_bytes()[:20])
    assert cache.load(course, "key-one") is None


def test_the_cache_is_readable_by_its_owner_alone(tmp_path):
    course = dataclasses.replace(COURSE, root=tmp_path)
    path = cache.save(course, cache.CourseCache("key"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [name for name in os.listdir(path.parent) if name != cache.FILE_NAME]


def test_an_answer_of_a_class_from_a_solution_survives_the_file(tmp_path):
    from mapcourse.reference import reference

    table = reference("stage2_map_table").posterior_table([0.25, 0.75], [0.5, 0.5], 3, 1)
    course = dataclasses.replace(COURSE, root=tmp_path)
    cache.save(course, cache.CourseCache("key", {}, {"stage2_map_table": {
        "posterior_table": {("some", "key"): ("value", table, [])}}}))
    back = cache.load(course, "key").answers["stage2_map_table"]["posterior_table"]
    value = back[("some", "key")][1]
    assert type(value) is type(table) and repr(value) == repr(table)


@pytest.mark.slow
def test_a_changed_suite_is_a_miss_and_the_grades_stay_the_same(tmp_path):
    course = course_copy(tmp_path)
    course = dataclasses.replace(course, stages=course.stages[:1])  # numpy only: quick
    stage = course.stages[0]
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / stage.filename).write_text((course.solutions_dir / stage.filename).read_text()
                                        .replace("heads / (heads + tails)",
                                                 "(heads + 1) / (heads + tails + 2)"))
    folders = (course.solutions_dir, wrong)

    def grades(examples):
        return [grade_submission(course, folder, LocalRuntime(), examples=examples)
                for folder in folders]

    drawn = grades(None)  # hypothesis draws every example itself
    first = cache.prepare(course, None)
    stored = cache.load(course)
    assert first and stored is not None and grades(first) == drawn
    assert drawn[0].score == stage.points > drawn[1].score
    suite = course.hidden_suite(stage)
    suite.write_text(suite.read_text() + "\n# the suite changed\n")
    assert cache.load(course) is None  # the old file no longer fits
    again = cache.prepare(course, None)
    assert cache.load(course).key not in (None, stored.key)
    assert again == first and grades(again) == drawn
