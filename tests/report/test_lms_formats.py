"""Our Moodle files read by parsers written from Moodle's own import code (tests/report/lms.py)."""

import csv
import io

import pytest

from mapcourse.grading import moodle
from mapcourse.grading.export import read_roster, write_gradebooks
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
    graded = lms.offline_worksheet(text, PARTICIPANTS)
    assert sorted(graded) == [11, 12, 19]
    assert graded[19] == {"grade": "0", "feedback": "Nothing was handed in."}
    assert float(graded[11]["grade"]) == standings["ana"].total
    maximum = {row["Maximum grade"] for row in csv.DictReader(io.StringIO(text))}
    assert maximum == {f"{next(iter(standings.values())).max_score:g}"}


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
