"""`mapcourse grade --out DIR` writes each submission's files once, as soon as it is graded.

Grading itself is replaced by a stand-in that reports two submissions, so the test is
about the files only: results/<id>.json and feedback/<id>.md are written when their
submission's result arrives, and the end of the run adds the class's files.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mapcourse.cli import main
from mapcourse.grading import export, pool
from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult
from mapcourse.manifest import load_course

COURSE = load_course()
STUDENTS = ("ada", "bo")


def missing_everything(student: str) -> SubmissionResult:
    return SubmissionResult(student, tuple(StageResult(stage.id, stage.points, "missing",
                                                       message="missing")
                                           for stage in COURSE.stages), COURSE.max_score)


def test_each_submission_file_is_written_once_when_its_submission_is_graded(tmp_path,
                                                                           monkeypatch):
    class_dir = tmp_path / "class"
    for student in STUDENTS:
        (class_dir / student).mkdir(parents=True)
        (class_dir / student / COURSE.stages[0].filename).write_text("x = 1\n")
    written: list[Path] = []
    graded: list[str] = []

    def write_atomic(path: Path, text: str) -> None:
        written.append(path.relative_to(tmp_path / "out"))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text)

    def grade_all(course, submissions, settings, on_result):
        results = []
        for submission in submissions:
            results.append(missing_everything(submission.id))
            on_result(results[-1])
            graded.append(submission.id)
            assert Path("results", f"{submission.id}.json") in written  # already on disk
        return GradeReport(course.max_score, tuple(results), settings.isolation.description,
                           settings.isolation.level)

    monkeypatch.setattr(export, "write_atomic", write_atomic)
    monkeypatch.setattr(pool, "grade_all", grade_all)
    code = main(["grade", str(class_dir), "--out", str(tmp_path / "out"), "--no-sandbox",
                 "--format", "json", "--jobs", "1"])
    assert code == 0 and graded == list(STUDENTS)
    counts = Counter(written)
    for student in STUDENTS:
        assert counts[Path("results", f"{student}.json")] == 1
        assert counts[Path("feedback", f"{student}.md")] == 1
    assert counts[Path("grades.csv")] == 1
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines()[1].startswith("ada,0")
