"""A term of the sample course as an instructor runs it: three assignments, released on
three dates and each graded after its due date with the students' times, extensions and
written points; a second run beside the first; a hidden test fixed, then `regrade`."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.authoring.conftest import ROOT, copy_course, mapcourse

SAMPLE = ROOT / "examples" / "sample-class"
STUDENTS = ("ada", "ben", "chloe", "dev")
# Each assignment's times, as the platform gives them. a1 is due 25 January, a2 8 February,
# a3 22 February (course.toml); each accepts work for 7 days after, at 10% a day, 50% at most.
TIMES = {
    "a1": "id,submitted\nada,2027-01-25T12:00:00Z\nben,2027-01-26T08:00:00Z\n"
          "chloe,2027-02-03T10:00:00Z\ndev,2027-01-20T10:00:00Z\n",
    "a2": "id,submitted\nada,2027-02-08T20:00:00Z\nben,2027-02-10T10:00:00Z\n"
          "chloe,2027-02-20T10:00:00Z\ndev,2027-02-16T08:00:00Z\n",
    "a3": "id,submitted\nada,2027-02-28T09:00:00Z\nchloe,2027-02-22T22:00:00Z\n"
          "dev,2027-03-04T10:00:00Z\n",  # ben's time is missing
}
EXTENSIONS = "student,assignment,due,days\nchloe,a2,,14\ndev,a3,2027-03-08T23:59:00Z,\n"
WRITTEN = "id,stage,points,comment\nada,3,5,Clear.\nben,stage3_gaussian_l2,3,Half of it.\n"
# What each assignment's stages are, and its points with the written parts.
STAGES = {"a1": {"stage1_mle_coin", "stage2_map_table"},
          "a2": {"stage3_gaussian_l2", "stage4_laplace_l1"},
          "a3": {"stage5_weight_decay", "stage6_beta_bayes"}}
POINTS = {"a1": "20", "a2": "30", "a3": "20"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> dict:
    """A course copy, a class of four, the term's CSVs and one graded run of each
    assignment, each into its own folder."""
    base = tmp_path_factory.mktemp("term")
    course = copy_course(base / "course", ("course.toml", "pyproject.toml", "solutions",
                                            "exercises", "autograder"))
    klass = base / "class"
    for student in STUDENTS:
        shutil.copytree(SAMPLE / student, klass / student)
    files = {"extensions": base / "extensions.csv", "written": base / "written.csv"}
    files["extensions"].write_text(EXTENSIONS)
    files["written"].write_text(WRITTEN)
    outs = {}
    for assignment, times in TIMES.items():
        files[assignment] = base / f"times-{assignment}.csv"
        files[assignment].write_text(times)
        outs[assignment] = base / assignment
        done = mapcourse(course, "grade", str(klass), "--assignment", assignment, "--times",
                         str(files[assignment]), "--extensions", str(files["extensions"]),
                         "--written", str(files["written"]), "--out", str(outs[assignment]),
                         "--jobs", "2")
        assert done.returncode == 0, done.stderr
    files["times"] = files["a2"]
    return {"course": course, "class": klass, "out": outs["a2"], "outs": outs,
            "files": files}


def rows(out: Path) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader((out / "grades.csv").open())}


@pytest.mark.parametrize("assignment", sorted(STAGES))
def test_each_assignment_grades_only_its_stages_and_none_is_scored_zero(term, assignment):
    out = term["outs"][assignment]
    others = set().union(*STAGES.values()) - STAGES[assignment]
    graded = rows(out)
    assert set(graded) == set(STUDENTS)
    columns = set(next(iter(graded.values())))
    assert STAGES[assignment] <= columns and not others & columns
    assert {row["max"] for row in graded.values()} == {POINTS[assignment]}
    title = ""
    for line in (ROOT / "course.toml").read_text().splitlines():
        if line.startswith("title = ") and f"Assignment {assignment[1]}:" in line:
            title = line.split(" = ", 1)[1].strip('"')
    for name in ("canvas.csv", "moodle.csv"):
        book = list(csv.reader((out / name).open()))
        assert title in book[0] and not any("Stage" in column for column in book[0])
    canvas = list(csv.reader((out / "canvas.csv").open()))
    assert canvas[1][canvas[0].index(title)] == POINTS[assignment]  # its real maximum
    for student in STUDENTS:
        results = json.loads((out / "results" / f"{student}.json").read_text())
        assert {test["name"].split(":")[0] for test in results["tests"]} == STAGES[assignment]
        feedback = (out / "feedback" / f"{student}.md").read_text()
        headings = {line.split(":")[0] for line in feedback.splitlines()
                    if line.startswith("## Stage")}
        assert headings == {f"## Stage {stage[5]}" for stage in STAGES[assignment]}


def test_each_assignment_applies_its_own_due_date_and_extensions(term):
    a1, a3 = rows(term["outs"]["a1"]), rows(term["outs"]["a3"])
    assert (a1["ada"]["status"], a1["ada"]["total"]) == ("on time", a1["ada"]["raw"])
    assert (a1["ben"]["status"], a1["ben"]["days late"]) == ("late", "1")
    assert float(a1["ben"]["total"]) == pytest.approx(float(a1["ben"]["raw"]) * 0.9)
    assert (a1["chloe"]["status"], a1["chloe"]["total"]) == ("not accepted", "0")
    assert a1["dev"]["status"] == "on time"  # dev's a3 extension is not a1's
    assert (a3["ada"]["status"], a3["ada"]["days late"]) == ("late", "6")
    assert float(a3["ada"]["total"]) == pytest.approx(float(a3["ada"]["raw"]) * 0.5)  # capped
    assert a3["ben"]["status"] == "no time" and a3["ben"]["total"] == a3["ben"]["raw"]
    assert a3["chloe"]["status"] == "on time"  # chloe's a2 extension is not a3's
    assert a3["dev"]["status"] == "on time" and a3["dev"]["due"].startswith("2027-03-08")
    feedback = (term["outs"]["a3"] / "feedback" / "ben.md").read_text()
    assert "No submission time was found" in feedback


def test_the_late_policy_and_the_extension_are_applied(term):
    graded = rows(term["out"])
    ada, ben, chloe, dev = (graded[student] for student in STUDENTS)
    assert (ada["status"], ada["days late"], ada["total"]) == ("on time", "0", ada["raw"])
    assert ada["written"] == "5" and ada["max"] == "30"
    assert (ben["status"], ben["days late"], ben["penalty"]) == ("late", "2", "0.2")
    assert float(ben["total"]) == pytest.approx(float(ben["raw"]) * 0.8)
    assert chloe["status"] == "on time" and chloe["due"].startswith("2027-02-22T23:59")
    assert (dev["status"], dev["total"]) == ("not accepted", "0")
    feedback = (term["out"] / "feedback" / "ben.md").read_text()
    raw = ben["raw"]
    assert f"2 days late: −20%, {raw}/30 → {float(raw) * 0.8:g}/30" in feedback
    assert "Half of it." in feedback
    page = re.sub(r"<[^>]+>", "", (term["out"] / "report.html").read_text())
    start = page.index("Assignment 2: priors")
    section = page[start:page.index("Scores", start)]
    assert "4 with a written part not marked yet" in section  # stage 4's: none marked
    listed = re.findall(r"^(\w+)(?=on time|late|not accepted)", section, re.M)
    assert sorted(listed) == ["ben", "chloe", "dev"]  # ada was simply on time


def test_grading_again_never_overwrites_a_run_it_goes_beside(term, tmp_path):
    before = {path: path.read_bytes() for path in term["out"].rglob("*") if path.is_file()}
    again = mapcourse(term["course"], "grade", str(term["class"]), "--assignment", "a2",
                      "--times", str(term["files"]["times"]), "--out", str(term["out"]))
    assert again.returncode == 0, again.stderr
    assert {path: path.read_bytes() for path in before} == before
    beside = term["out"].with_name("a2.2")
    assert (beside / "grades.csv").is_file() and str(beside) in again.stderr
    shutil.rmtree(beside)


def test_a_fixed_hidden_test_is_regraded_and_only_the_students_it_moves_are_listed(term):
    out, course = term["out"], term["course"]
    failed = {student for student in STUDENTS
              if any(test["name"].endswith("map ridge refuses invalid arguments")
                     and test["score"] < test["max_score"]
                     for test in json.loads((out / "results" / f"{student}.json")
                                            .read_text())["tests"])}
    accepted = failed - {"dev"}  # dev's work came after the last day: it stays at 0
    assert accepted, "some student of the class fails the test that is fixed"
    suite = course / "autograder" / "test_stage3_gaussian_l2.py"
    text = suite.read_text()
    fixed = re.sub(r"(def test_map_ridge_refuses_invalid_arguments\(.*\):\n)",
                   r"\1    return  # withdrawn mid-term\n", text)
    assert fixed != text
    suite.write_text(fixed)
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    try:
        done = mapcourse(course, "regrade", str(out))
    finally:
        suite.write_text(text)
    assert done.returncode == 0, done.stderr
    assert {path: path.read_bytes() for path in before} == before  # the old run is untouched
    moved = {line.split("│")[1].strip() for line in done.stdout.splitlines()
             if line.startswith("│") and "stage 3" in line}
    assert moved == accepted
    assert "refuses invalid arguments" in done.stdout
    new = out.with_name("a2.2")
    run = json.loads((new / "run.json").read_text())
    assert run["previous"] == str(out) and run["regraded"] == ["stage3_gaussian_l2"]
    page = (new / "report.html").read_text()
    assert 'This run follows <a href="../a2/report.html"' in page
    ran = sum(any(test["name"].endswith("map ridge refuses invalid arguments")
                  for test in json.loads((out / "results" / f"{student}.json")
                                         .read_text())["tests"]) for student in STUDENTS)
    across = page[page.index('id="across"'):page.index('id="problems"')]
    row = re.search(r"3\. map ridge refuses invalid arguments</td>(.*?)</tr>", across, re.S)
    assert row, "the fixed test group is shown across runs"
    assert re.findall(r"(\d+) of (\d+)", row.group(1)) == [
        (str(ran), str(ran)), (str(ran - len(failed)), str(ran))]  # now, then before
    assert '<a href="../a2/report.html">a2</a>' in across
    old_rows, new_rows = rows(out), rows(new)
    for student in STUDENTS:
        gain = float(new_rows[student]["stage3_gaussian_l2"]) - \
            float(old_rows[student]["stage3_gaussian_l2"])
        assert gain == (1 if student in failed else 0)
        assert new_rows[student]["written"] == old_rows[student]["written"]
        assert new_rows[student]["status"] == old_rows[student]["status"]
