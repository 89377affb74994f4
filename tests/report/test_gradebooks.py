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


def standings_of(report, course):
    """a1's standings: bo two days late (−20%), the others on time; stage 3 has no
    written part in a1, so the written parts are stages 1-2's (none): autograded only."""
    from datetime import timedelta

    from mapcourse.term.policy import Lateness
    from mapcourse.term.standing import Standing

    a1 = course.assignment("a1")
    found = {}
    for submission in report.submissions:
        late = timedelta(days=1, hours=3) if submission.id == "bo" else -timedelta(hours=1)
        found[submission.id] = Standing(submission.id, submission.score,
                                        submission.max_score, (),
                                        Lateness(a1.due + late, "times CSV", a1.due, False,
                                                 a1.late))
    return found


def test_an_assignment_is_one_gradebook_column_with_its_total_after_lateness(small_class,
                                                                           course):
    standings = standings_of(small_class, course)
    title = course.assignment("a1").title
    header, points, *students = rows(canvas_csv(small_class, course, None, standings, title))
    assert header[5:] == [title] and points[5:] == [str(course.max_score)]
    by_login = {row[3]: row[5] for row in students}
    bo = next(s for s in small_class.submissions if s.id == "bo")
    assert float(by_login["bo"]) == pytest.approx(bo.score * 0.8)
    header, *students = rows(moodle_csv(small_class, course, None, standings, title))
    assert header == [*MOODLE_USER, title, "Feedback"]
    feedback = {row[0]: row[4] for row in students}
    assert "2 days late: −20%" in feedback["bo"] and "On time" in feedback["ana"]


def test_the_platforms_own_export_is_a_roster_and_absent_students_get_zero(small_class,
                                                                         course, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Old assignment\n"
                      "    Points Possible,,,,,10\n"
                      '"Okafor, Bo",71,9001,bo,Sec 1,\n"Zed, Zoe",72,9002,zoe,Sec 2,\n'
                      "Test Student,99,,,,\n")
    roster = read_roster(export)
    title = course.assignment("a1").title
    standings = standings_of(small_class, course)
    header, points, *students = rows(canvas_csv(small_class, course, roster, standings, title))
    by_name = {row[0]: row for row in students}
    assert by_name["Okafor, Bo"][1:5] == ["71", "9001", "bo", "Sec 1"]
    assert by_name["Zed, Zoe"][5] == "0"  # on the roster, handed in nothing
    assert "Test Student" not in by_name and "Points Possible" not in str(by_name)
    assert len(students) == len(small_class.submissions) + 1
    # without an assignment nothing is due yet: a student without work gets no row
    assert "Zed, Zoe" not in {row[0] for row in rows(canvas_csv(small_class, course, roster))}
    moodle = tmp_path / "moodle.csv"
    moodle.write_text("First name,Last name,ID number,Institution,Email address\n"
                      "Cy,Lee,4711,U,cy@school.edu\n")
    assert read_roster(moodle)["cy"]["idnumber"] == "4711"
