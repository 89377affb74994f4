"""A small graded class made by hand: one student per kind of result the report shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult, TestResult
from mapcourse.manifest import Course, load_course

ROOT = Path(__file__).resolve().parents[2]
CRASHED = ("mle(3, 1) ended the student's process: killed by SIGSEGV")


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


def graded_stage(stage, failures: dict[str, tuple[str, str]] | None = None) -> StageResult:
    """Two groups per stage, worth half the points each; `failures` maps a group to its
    (status, message)."""
    failures = failures or {}
    half = stage.points / 2
    tests = tuple(TestResult(name, 0.0 if name in failures else half, half,
                             failures.get(name, ("passed", ""))[0],
                             failures.get(name, ("passed", ""))[1])
                  for name in (f"{stage.id} first group", f"{stage.id} second group"))
    return StageResult(stage.id, stage.points, "graded", tests)


def make_class(course: Course) -> GradeReport:
    """ana: full marks; bo: stage 1's second group wrong (3, 1); cy: the same mistake on
    other numbers (7, 2) and stage 2 missing; di: stage 1 does not import, a timeout and a
    crash in stage 2."""
    one, two = course.stages[0], course.stages[1]
    wrong = "mle({}, {}) returned 0.5; expected {}. The MLE is the fraction of heads."

    def student(name, seconds, **stages):
        results = tuple(stages.get(f"s{stage.number}") or graded_stage(stage)
                        for stage in course.stages)
        return SubmissionResult(name, results, course.max_score, seconds=seconds)

    second = f"{one.id} second group"
    return GradeReport(course.max_score, (
        student("ana", 2.0),
        student("bo", 3.5, s1=graded_stage(one, {second: ("failed", wrong.format(3, 1, 0.75))})),
        student("cy", 1.0, s1=graded_stage(one, {second: ("failed", wrong.format(7, 2, 0.78))}),
                s2=StageResult(two.id, two.points, "missing", message="missing")),
        student("di", 30.25,
                s1=StageResult(one.id, one.points, "import-error",
                               message="SyntaxError: expected ':' (line 3)"),
                s2=graded_stage(two, {f"{two.id} first group": ("timeout", "did not finish"),
                                      f"{two.id} second group": ("error", CRASHED)})),
    ), "isolated with bubblewrap", "bubblewrap")


@pytest.fixture()
def small_class(course) -> GradeReport:
    return make_class(course)


@pytest.fixture()
def class_folders(tmp_path, course) -> dict[str, Path]:
    """Submission folders for the hand-made class: the reference solutions, so nothing is
    alike beyond the code everyone was shown."""
    folders = {}
    for name in ("ana", "bo", "cy", "di"):
        folder = tmp_path / "class" / name
        folder.mkdir(parents=True)
        for stage in course.stages:
            shutil.copy(course.solutions_dir / stage.filename, folder)
        folders[name] = folder
    return folders
