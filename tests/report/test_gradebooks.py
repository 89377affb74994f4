"""The Canvas and Moodle gradebooks beside grades.csv: the columns their imports read."""

import csv
import io

import pytest

from mapcourse.grading.export import (
    CANVAS_STUDENT,
    MOODLE_USER,
    RosterError,
    canvas_csv,
    moodle_csv,
    read_roster,
)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_has_its_student_columns_points_possible_and_a_column_per_stage(small_class,
                                                                                course):
    header, points, *students = rows(canvas_csv(small_class, course))
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert header[5:] == [f"Stage {s.number}: {s.title}" for s in course.stages]
    assert points[0].strip() == "Points Possible" and points[1:5] == [""] * 4
    assert points[5:] == [str(stage.points) for stage in course.stages]
    by_login = {row[3]: row for row in students}
    assert sorted(by_login) == ["ana", "bo", "cy", "di"]
    assert by_login["cy"][5:7] == ["5", "0"]  # half of stage 1; stage 2 missing
    assert sum(float(v) for v in by_login["ana"][5:]) == course.max_score


def test_moodle_identifies_users_and_has_a_column_per_stage(small_class, course):
    header, *students = rows(moodle_csv(small_class, course))
    assert header == [*MOODLE_USER, *(f"Stage {s.number}: {s.title}" for s in course.stages)]
    assert [row[0] for row in students] == ["ana", "bo", "cy", "di"]
    assert students[3][3] == "0"  # di's stage 1 did not import


def test_a_roster_names_students_as_the_platforms_know_them(small_class, course, tmp_path):
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("id,name,sis_user_id,section,username,email\n"
                           "bo,\"Okafor, Bo\",9001,Sec 1,bokafor,bo@school.edu\n")
    roster = read_roster(roster_file)
    canvas = {row[0]: row for row in rows(canvas_csv(small_class, course, roster))[2:]}
    assert canvas["Okafor, Bo"][:5] == ["Okafor, Bo", "", "9001", "", "Sec 1"]
    assert canvas["ana"][:5] == ["ana", "", "", "ana", ""]  # not in the roster: its folder name
    moodle = {row[0]: row for row in rows(moodle_csv(small_class, course, roster))[1:]}
    assert moodle["bokafor"][:3] == ["bokafor", "", "bo@school.edu"]
    assert len(CANVAS_STUDENT) == 5


@pytest.mark.parametrize(("text", "words"), [
    ("student,name\nbo,Bo\n", "no `id` column"),
    ("id,nickname\nbo,B\n", "unknown columns nickname"),
], ids=["without an id column", "with a column no platform reads"])
def test_a_roster_that_cannot_be_used_says_what_to_fix(tmp_path, text, words):
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(text)
    with pytest.raises(RosterError, match=words):
        read_roster(roster_file)
