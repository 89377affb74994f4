"""A term as an instructor runs it: an assignment graded with its times, an extension and
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
TIMES = ("id,submitted\nada,2027-02-08T20:00:00Z\nben,2027-02-10T10:00:00Z\n"
         "chloe,2027-02-20T10:00:00Z\ndev,2027-02-16T08:00:00Z\n")
EXTENSIONS = "student,assignment,due,days\nchloe,a2,,14\n"
WRITTEN = "id,stage,points,comment\nada,3,5,Clear.\nben,stage3_gaussian_l2,3,Half of it.\n"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> dict:
    """A course copy, a class of four, the term's CSVs and one graded run of a2."""
    base = tmp_path_factory.mktemp("term")
    course = copy_course(base / "course", ("course.toml", "pyproject.toml", "solutions",
                                            "exercises", "autograder"))
    klass = base / "class"
    for student in STUDENTS:
        shutil.copytree(SAMPLE / student, klass / student)
    files = {}
    for name, text in (("times", TIMES), ("extensions", EXTENSIONS), ("written", WRITTEN)):
        files[name] = base / f"{name}.csv"
        files[name].write_text(text)
    out = base / "a2"
    done = mapcourse(course, "grade", str(klass), "--assignment", "a2", "--times",
                     str(files["times"]), "--extensions", str(files["extensions"]),
                     "--written", str(files["written"]), "--out", str(out), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return {"course": course, "class": klass, "out": out, "files": files, "stdout": done.stdout}


def rows(out: Path) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader((out / "grades.csv").open())}


def test_only_the_assignments_stages_are_graded_and_none_is_scored_zero(term):
    graded = rows(term["out"])
    columns = set(next(iter(graded.values())))
    assert {"stage3_gaussian_l2", "stage4_laplace_l1"} <= columns
    assert not {"stage1_mle_coin", "stage2_map_table", "stage5_weight_decay",
                "stage6_beta_bayes"} & columns
    for name in ("canvas.csv", "moodle.csv"):
        header = (term["out"] / name).read_text().splitlines()[0]
        assert "stage1" not in header and "stage5" not in header
    results = json.loads((term["out"] / "results" / "ada.json").read_text())
    assert {test["name"].split(":")[0] for test in results["tests"]} == {
        "stage3_gaussian_l2", "stage4_laplace_l1"}


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
    assert 'This run follows <a href="../a2/report.html"' in (new / "report.html").read_text()
    old_rows, new_rows = rows(out), rows(new)
    for student in STUDENTS:
        gain = float(new_rows[student]["stage3_gaussian_l2"]) - \
            float(old_rows[student]["stage3_gaussian_l2"])
        assert gain == (1 if student in failed else 0)
        assert new_rows[student]["written"] == old_rows[student]["written"]
        assert new_rows[student]["status"] == old_rows[student]["status"]
