"""Our Moodle files read by parsers written from Moodle's own import code (tests/report/lms.py)."""

import csv
import io

import pytest

from mapcourse.grading import moodle
from mapcourse.grading.export import canvas_csv, moodle_csv, read_roster, write_gradebooks
from tests.report import lms
from tests.report.test_gradebooks import standings_of

WORKSHEET = ("Identifier,Full name,Email address,Status,Grade,Maximum grade,"
             "Grade can be changed,Last modified (submission),Last modified (grade),"
             "Feedback comments\n"
             "Participant 11,Ana Diaz,ana@school.edu,No submission,,35.00,Yes,-,-,\n"
             "Participant 12,Bo Okafor,bo@school.edu,No submission,,35.00,Yes,-,-,\n"
             "Participant 19,Zoe Zed,zoe@school.edu,No submission,,35.00,Yes,-,-,\n")
PARTICIPANTS = {11, 12, 19}


@pytest.fixture
def worksheet_roster(tmp_path):
    path = tmp_path / "worksheet.csv"
    path.write_text(WORKSHEET)
    return read_roster(path)


def test_moodles_worksheet_is_a_roster_that_knows_participant_ids(worksheet_roster):
    assert worksheet_roster["ana"]["participant"] == "11"
    assert worksheet_roster["bo@school.edu"]["name"] == "Bo Okafor"


def test_an_assignment_run_fills_the_worksheet_moodle_reads_at_the_real_maximum(
        small_class, course, worksheet_roster, tmp_path):
    assignment = course.assignment("a1")
    standings = standings_of(small_class, course)
    write_gradebooks(tmp_path, small_class, course, worksheet_roster, standings,
                     assignment.title)
    text = (tmp_path / moodle.WORKSHEET_FILE).read_text()
    maximum = next(iter(standings.values())).max_score
    graded = lms.offline_worksheet(text, PARTICIPANTS, maximum)
    assert sorted(graded) == [11, 12, 19]
    assert lms.offline_worksheet(text, PARTICIPANTS, maximum=10).keys() == {19}  # beyond it

    assert graded[19] == {"grade": "0", "feedback": "Nothing was handed in."}
    assert float(graded[11]["grade"]) == standings["ana"].total
    shown = {row["Maximum grade"] for row in csv.DictReader(io.StringIO(text))}
    assert shown == {f"{maximum:g}"}


def test_the_whole_course_run_gives_moodle_the_total_out_of_the_course(
        small_class, course, worksheet_roster, tmp_path):
    write_gradebooks(tmp_path, small_class, course, worksheet_roster)
    graded = lms.offline_worksheet((tmp_path / moodle.WORKSHEET_FILE).read_text(), PARTICIPANTS)
    ana = small_class.submissions[0]
    assert float(graded[11]["grade"]) == sum(stage.score for stage in ana.stages)


def test_moodle_rejects_a_worksheet_without_its_identifier_column():
    with pytest.raises(ValueError, match="required column"):
        lms.offline_worksheet("Participant,Grade,Last modified (grade)\n", PARTICIPANTS)


def test_the_feedback_zip_names_each_file_by_its_participant(small_class, course,
                                                             worksheet_roster, tmp_path):
    (tmp_path / "feedback").mkdir()
    for submission in small_class.submissions:
        (tmp_path / "feedback" / f"{submission.id}.md").write_text(f"# {submission.id}\n")
    write_gradebooks(tmp_path, small_class, course, worksheet_roster)
    stored = lms.feedback_zip((tmp_path / moodle.FEEDBACK_ZIP).read_bytes(), PARTICIPANTS)
    assert stored == {11: "/feedback.md", 12: "/feedback.md"}


@pytest.mark.parametrize("path", ["Ana_Diaz_11_assignfeedback_file_/feedback.md",
                                  "Ana Diaz_99_assignfeedback_file_/feedback.md",
                                  "Ana Diaz_11_feedback.md", ".Ana Diaz_11_assignfeedback_file_"],
                         ids=["underscore in the name", "unknown participant",
                              "no plugin", "hidden file"])
def test_moodle_ignores_a_broken_file_name(path):
    assert lms.feedback_zip_path(path, PARTICIPANTS) is None


# Canvas's students for the sample class: {Canvas user id: what Canvas knows them by}.
SAMPLE = ("ada", "ben", "chloe", "dev", "emma", "farid", "gina", "hugo", "iris")
CANVAS = {str(100 + n): {"sis_login_id": name, "name": name.title()}
          for n, name in enumerate(SAMPLE)} | {"200": {"sis_login_id": "zoe", "name": "Zoe"}}
CANVAS_EXPORT = ("Student,ID,SIS User ID,SIS Login ID,Section,Old quiz (11)\n"
                 "    Points Possible,,,,,5\n"
                 + "".join(f"{s['name']},{cid},,{s['sis_login_id']},Sec 1,\n"
                           for cid, s in CANVAS.items()))


def test_canvas_reads_the_whole_course_gradebook_a_column_per_stage_at_its_points(small_class,
                                                                                 course):
    students = {"1": {"sis_login_id": "ana"}, "2": {"sis_login_id": "bo"}}
    parsed = lms.canvas_gradebook(canvas_csv(small_class, course), students)
    assert parsed["assignments"] == {f"Stage {s.number}: {s.title}": str(s.points)
                                     for s in course.stages}
    assert parsed["grades"]["1"] == [f"{s.score:g}" for s in small_class.submissions[0].stages]
    assert "new: cy" in parsed["grades"]  # unknown to Canvas: a new student, to be matched


def test_canvas_rejects_a_gradebook_whose_student_columns_do_not_end_at_section(small_class,
                                                                               course):
    header, *rest = canvas_csv(small_class, course).split("\n", 1)
    broken = header.replace(",Section", ",Group") + "\n" + rest[0]
    with pytest.raises(lms.InvalidHeaderRow):
        lms.canvas_gradebook(broken, {})


def test_moodle_maps_each_stage_to_an_item_at_its_real_maximum(small_class, course):
    items = {f"Stage {s.number}: {s.title}": s.points for s in course.stages}
    users = {"ana": 1, "bo": 2, "cy": 3, "di": 4}
    parsed = lms.moodle_grade_csv(moodle_csv(small_class, course), "Username", users, items)
    assert all(grade <= items[name] for row in parsed.values() for name, grade in row.items())
    assert sum(parsed[1].values()) == course.max_score
    with pytest.raises(ValueError, match="out of 100"):
        lms.moodle_grade_csv(moodle_csv(small_class, course), "Username", users, {})


@pytest.fixture(scope="module")
def a2_run(tmp_path_factory):
    """The sample class graded for assignment 2 (written points, a late student), with
    Canvas's gradebook export as the roster: one student on it handed in nothing."""
    from tests.report.test_cli import mapcourse

    folder = tmp_path_factory.mktemp("a2")
    roster = folder / "canvas-export.csv"
    roster.write_text(CANVAS_EXPORT)
    out = folder / "out"
    result = mapcourse("grade", "examples/sample-class", "--assignment", "a2",
                       "--times", "examples/term/times.csv",
                       "--extensions", "examples/term/extensions.csv",
                       "--written", "examples/term/written.csv",
                       "--roster", str(roster), "--out", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.slow
def test_an_assignment_run_is_one_canvas_column_at_its_real_maximum_with_zero_for_absent(
        a2_run, course):
    a2 = course.assignment("a2")
    parsed = lms.canvas_gradebook((a2_run / "canvas.csv").read_text(), CANVAS)
    written = sum(course.stage(stage).derivation_points for stage in a2.stages)
    autograded = sum(course.stage(stage).points for stage in a2.stages)
    assert parsed["assignments"] == {a2.title: f"{autograded + written:g}"}
    assert sorted(parsed["grades"]) == sorted(CANVAS)  # everyone matched by Canvas id
    assert parsed["grades"]["200"] == ["0"]
    grades = {row["id"]: row["total"]
              for row in csv.DictReader(io.StringIO((a2_run / "grades.csv").read_text()))}
    assert parsed["grades"]["101"] == [grades["ben"]]


@pytest.mark.slow
def test_report_with_moodles_worksheet_writes_what_moodle_uploads(a2_run, tmp_path, course):
    from tests.report.test_cli import mapcourse

    worksheet = tmp_path / "worksheet.csv"
    worksheet.write_text("Identifier,Full name,Email address,Grade,Last modified (grade)\n"
                         + "".join(f"Participant {n},{name.title()},{name}@school.edu,,-\n"
                                   for n, name in enumerate([*SAMPLE, "zoe"], start=1)))
    result = mapcourse("report", str(a2_run), "--roster", str(worksheet))
    assert result.returncode == 0, result.stderr
    a2 = course.assignment("a2")
    maximum = sum(course.stage(s).points + course.stage(s).derivation_points for s in a2.stages)
    graded = lms.offline_worksheet((a2_run / moodle.WORKSHEET_FILE).read_text(),
                                   set(range(1, 11)), maximum)
    assert len(graded) == 10 and graded[10]["grade"] == "0"
    assert "late" in graded[2]["feedback"]
    files = lms.feedback_zip((a2_run / moodle.FEEDBACK_ZIP).read_bytes(), set(range(1, 11)))
    assert sorted(files) == list(range(1, 10))  # zoe handed in nothing: no feedback file
