"""`mapcourse grade` finds submissions: flat folders as they are, others by the upload rules."""

import pytest

from mapcourse.grading.discover import DiscoveryError, discover
from tests.grading.shapes import COURSE, STAGES, chosen, solution, write


def test_mapcourse_grade_keeps_flat_folders_and_locates_nested_ones(tmp_path):
    write(tmp_path / "class" / "flat" / f"{STAGES[0]}.py", solution(STAGES[0]))
    write(tmp_path / "class" / "flat" / "sub" / f"{STAGES[1]}.py", solution(STAGES[1]))
    write(tmp_path / "class" / "nested" / "hw" / f"{STAGES[0]}.py", solution(STAGES[0]))
    flat, nested = discover([tmp_path / "class"], COURSE)
    assert flat.upload is None
    assert nested.upload is not None and chosen(nested.upload, STAGES[0]) == f"hw/{STAGES[0]}.py"


def test_mapcourse_grade_takes_a_folder_of_copies_and_notebooks_as_one_submission(tmp_path):
    write(tmp_path / "alice" / f"{STAGES[0]} (1).py", solution(STAGES[0]))
    (submission,) = discover([tmp_path / "alice"], COURSE)
    assert submission.id == "alice" and chosen(submission.upload, STAGES[0])


def test_a_folder_with_neither_stage_files_nor_student_folders_is_still_refused(tmp_path):
    write(tmp_path / "notes" / "ridge.py", "")
    with pytest.raises(DiscoveryError, match="holds no submission"):
        discover([tmp_path / "notes"], COURSE)


@pytest.mark.slow
def test_a_nested_submission_grades_like_the_same_files_flat(tmp_path):
    from mapcourse.grading.pool import Settings, grade_all

    for stage_id in STAGES[:2]:
        write(tmp_path / "class" / "flat" / f"{stage_id}.py", solution(stage_id))
        write(tmp_path / "class" / "nested" / "exercises" / f"{stage_id}.py", solution(stage_id))
    write(tmp_path / "class" / "flat" / "backup" / f"{STAGES[2]}.py", solution(STAGES[2]))
    report = grade_all(COURSE, discover([tmp_path / "class"], COURSE), Settings(jobs=1))
    flat, nested = report.submissions
    assert flat.score == nested.score == sum(stage.points for stage in COURSE.stages[:2])
    assert flat.stage(STAGES[2]).status == "missing"  # flat: its subfolders are not read
    assert flat.stage(STAGES[2]).to_json() == {
        "stage": STAGES[2], "score": 0.0, "max_score": COURSE.stages[2].points,
        "status": "missing", "tests": [],
        "message": "missing"}
    assert nested.stage(STAGES[2]).message.startswith(f"`{STAGES[2]}.py` is not in the")
