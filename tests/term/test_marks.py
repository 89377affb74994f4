"""The instructor's two CSVs: per-student extensions and the written parts' points."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mapcourse.manifest import load_course
from mapcourse.term.extensions import ExtensionsError, read_extensions
from mapcourse.term.written import Written, WrittenError, for_submission, read_written

COURSE = load_course()
UTC = timezone.utc


def write(tmp_path, text: str):
    path = tmp_path / "file.csv"
    path.write_text(text)
    return path


def test_an_extension_is_a_new_due_date_or_extra_days(tmp_path):
    path = write(tmp_path, "student,assignment,due,days\nchloe,a2,,3.5\n"
                           "ben,a1,2027-02-01T12:00:00Z,\n,,,\n")
    found = read_extensions(path, COURSE.assignments, UTC)
    assert found == {("chloe", "a2"): COURSE.assignment("a2").due + timedelta(days=3.5),
                     ("ben", "a1"): datetime(2027, 2, 1, 12, tzinfo=UTC)}


@pytest.mark.parametrize(("text", "message"), [
    ("student,assignment,days\nchloe,a9,2\n", r"line 2: no assignment 'a9'"),
    ("student,assignment,due,days\nchloe,a2,2027-02-20,2\n", "not both"),
    ("student,assignment,due,days\nchloe,a2,,\n", "not neither"),
    ("student,assignment,days\nchloe,a2,two\n", "days = 'two' cannot be read"),
    ("name,days\nchloe,2\n", "no assignment column"),
])
def test_a_wrong_extension_names_its_line(tmp_path, text, message):
    with pytest.raises(ExtensionsError, match=message):
        read_extensions(write(tmp_path, text), COURSE.assignments, UTC)


def test_written_points_are_read_by_stage_id_or_number(tmp_path):
    path = write(tmp_path, "id,stage,points,comment\nada,3,4.5,Clear.\n"
                           "ada,stage4_laplace_l1,5,\n")
    marked = read_written(path, COURSE)
    parts = for_submission("ada", COURSE, marked)
    assert [part.stage for part in parts] == [s.id for s in COURSE.stages if s.derivation_points]
    assert parts[0] == Written("stage3_gaussian_l2", 5, 4.5, "Clear.")
    unmarked = for_submission("ben", COURSE, marked)
    assert all(part.points is None and part.score == 0 for part in unmarked)


@pytest.mark.parametrize(("row", "message"), [
    ("ada,3,6,", "between 0 and 5"), ("ada,3,-1,", "between 0 and"),
    ("ada,3,nan,", "between 0 and"), ("ada,3,five,", "not a number"),
    ("ada,1,2,", "has no written part"), ("ada,9,2,", "9"),
])
def test_wrong_written_points_name_their_line(tmp_path, row, message):
    path = write(tmp_path, f"id,stage,points,comment\n{row}\n")
    with pytest.raises(WrittenError, match=message):
        read_written(path, COURSE)


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # from nbgrader's add_submission
def test_derivations_marked_in_formgrader_come_from_nbgraders_gradebook(tmp_path):
    pytest.importorskip("nbgrader")
    from nbgrader.api import Gradebook

    from mapcourse.nbgrader.notebook import cell_id

    stage = COURSE.stage("stage3_gaussian_l2")
    grade_id = cell_id(stage, "derivation")
    path = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{path}") as gradebook:
        gradebook.add_assignment(stage.id)
        gradebook.add_notebook(stage.id, stage.id)
        gradebook.add_grade_cell(grade_id, stage.id, stage.id, max_score=stage.derivation_points,
                                 cell_type="markdown")
        gradebook.add_solution_cell(grade_id, stage.id, stage.id)
        for student in ("ada", "ben"):
            gradebook.add_student(student)
            gradebook.add_submission(stage.id, student)
        grade = gradebook.find_grade(grade_id, stage.id, stage.id, "ada")
        grade.manual_score = 4
        comment = gradebook.find_comment(grade_id, stage.id, stage.id, "ada")
        comment.manual_comment = "The prior's term is right."
        gradebook.db.commit()
    marked = read_written(path, COURSE)
    assert marked == {("ada", stage.id): Written(stage.id, 5, 4.0, "The prior's term is right.")}
    assert for_submission("ben", COURSE, marked)[0].points is None  # not marked yet
