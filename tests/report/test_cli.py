"""`mapcourse report DIR` and `mapcourse grade --out DIR` as an instructor runs them: the
files written, and a class table that fits the terminal."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mapcourse.report import saved

ROOT = Path(__file__).resolve().parents[2]
TITLE_WORDS = "Maximum likelihood"


def mapcourse(*args: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "mapcourse", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=900)


def check_table(stdout: str, course, columns: int) -> None:
    """Every line fits; at 80 columns the stages are numbers with a legend of titles."""
    lines = stdout.rstrip("\n").splitlines()
    assert max(len(line) for line in lines) <= columns, stdout
    header = "\n".join(line for line in lines if line.startswith("┃"))
    legend = [line.strip() for line in lines if re.match(r"\s*\d+ \S", line)]
    if columns <= 80:
        assert "…" not in header and TITLE_WORDS not in header
        assert [cell for cell in re.findall(r"┃\s*(\d)\s*(?=┃)", header)] == \
            [str(stage.number) for stage in course.stages]
        assert legend == [f"{stage.number} {stage.title}" for stage in course.stages]
    else:
        assert TITLE_WORDS in header.replace("┃", " ").replace("  ", " ") or \
            "Maximum" in header
        assert not legend


@pytest.fixture()
def saved_out(tmp_path, small_class, class_folders) -> Path:
    """The --out folder of the hand-made class, holding only its class.json."""
    out = tmp_path / "out"
    out.mkdir()
    (out / saved.CLASS_FILE).write_text(saved.to_json(small_class, class_folders))
    return out


@pytest.mark.slow
def test_report_rebuilds_the_page_and_prints_a_table_that_fits(saved_out, course):
    result = mapcourse("report", str(saved_out), columns=80)
    assert result.returncode == 0, result.stderr
    check_table(result.stdout, course, 80)
    page = (saved_out / "report.html").read_text()
    assert page.count("<svg") == 1 + len(course.stages)
    assert 'href="feedback/cy.md"' in page
    assert not re.findall(r'(?:src|href)="(?!data:)[a-z]+:', page)  # nothing fetched from outside
    assert "<script" not in page
    assert {"canvas.csv", "moodle.csv"} <= {path.name for path in saved_out.iterdir()}


@pytest.mark.slow
def test_report_takes_a_roster_and_a_threshold_and_shows_titles_when_wide(saved_out, tmp_path,
                                                                         course):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,username\nbo,\"Okafor, Bo\",bokafor\n")
    result = mapcourse("report", str(saved_out), "--roster", str(roster),
                       "--similarity-threshold", "0.9", columns=160)
    assert result.returncode == 0, result.stderr
    check_table(result.stdout, course, 160)
    assert "not in the roster" in result.stderr and "ana, cy, di" in result.stderr
    assert "Okafor, Bo" in (saved_out / "canvas.csv").read_text()
    assert "bokafor" in (saved_out / "moodle.csv").read_text()
    assert "at least 90%" in (saved_out / "report.html").read_text()


@pytest.mark.parametrize(("args", "words"), [
    (("report", "{empty}"), "holds no class.json: grade the class with"),
    (("report", "{saved}", "--similarity-threshold", "1.5"), "must lie in (0, 1]"),
    (("report", "{saved}", "--roster", "{missing}"), "cannot be read"),
], ids=["a folder never graded", "a threshold above one", "a roster that does not exist"])
def test_report_mistakes_are_one_line_and_status_2(saved_out, tmp_path, args, words):
    (tmp_path / "empty").mkdir()
    values = {"empty": tmp_path / "empty", "saved": saved_out, "missing": tmp_path / "no.csv"}
    result = mapcourse(*(arg.format(**values) for arg in args))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr


@pytest.mark.slow
def test_grade_writes_the_report_and_gradebooks_beside_the_same_grades(tmp_path, course):
    """Two students with stage 1 only, graded for real at 80 columns."""
    class_dir = tmp_path / "class"
    for name in ("right", "wrong"):
        (class_dir / name).mkdir(parents=True)
        shutil.copy(course.solutions_dir / course.stages[0].filename, class_dir / name)
    wrong = class_dir / "wrong" / course.stages[0].filename
    wrong.write_text(wrong.read_text() + "\n\ndef mle(heads, tails):\n    return 0.5\n")
    out = tmp_path / "out"
    result = mapcourse("grade", str(class_dir), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    check_table(result.stdout, course, 80)
    saved = json.loads((out / "class.json").read_text())
    assert [s["id"] for s in saved["submissions"]] == ["right", "wrong"]
    assert all(s["seconds"] > 0 and Path(s["folder"]).is_dir() for s in saved["submissions"])
    grades = (out / "grades.csv").read_text().splitlines()
    assert grades[0] == ",".join(["id", *(s.id for s in course.stages), "total"])
    assert grades[1] == "right,10,0,0,0,0,0,10"
    canvas = (out / "canvas.csv").read_text().splitlines()
    assert canvas[2].startswith("right,,,right,,10,0,")
    page = (out / "report.html").read_text()
    assert "mle is the fraction of heads" in page and "returned 0.5" in page


@pytest.mark.slow
def test_grade_wants_out_for_a_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,username\nada,alovelace\n")
    result = mapcourse("grade", "examples/sample-class", "--roster", str(roster))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "give --out too" in result.stderr, result.stderr
