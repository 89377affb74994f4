"""`mapcourse grade` as an instructor runs it: output shapes, files, and bad input."""

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapcourse.manifest import load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT)
STAGE1 = ROOT / "solutions" / "stage1_mle_coin.py"


def mapcourse(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mapcourse", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=900)


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Path:
    """Three students with only stage 1: right, wrong, and a file that does not import."""
    class_dir = tmp_path_factory.mktemp("class")
    (class_dir / "right").mkdir()
    shutil.copy(STAGE1, class_dir / "right")
    (class_dir / "wrong").mkdir()
    (class_dir / "wrong" / "stage1_mle_coin.py").write_text(
        STAGE1.read_text() + "\n\ndef mle(heads, tails):\n    return 0.5\n")
    (class_dir / "broken").mkdir()
    (class_dir / "broken" / "stage1_mle_coin.py").write_text("import numpy as np\n1/0\n")
    return class_dir


@pytest.fixture(scope="module")
def graded(small_class, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("out") / "grades"
    result = mapcourse("grade", str(small_class), "--format", "json", "--out", str(out),
                       "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return {"json": json.loads(result.stdout), "out": out, "stderr": result.stderr}


def by_id(report: dict) -> dict:
    return {submission["id"]: submission for submission in report["submissions"]}


@pytest.mark.slow
def test_json_follows_the_contract(graded):
    report = graded["json"]
    assert report["max_score"] == COURSE.max_score
    for submission in report["submissions"]:
        assert set(submission) >= {"id", "score", "max_score", "stages"}
        assert submission["max_score"] == COURSE.max_score
        assert [s["stage"] for s in submission["stages"]] == [s.id for s in COURSE.stages]
        for stage, manifest in zip(submission["stages"], COURSE.stages, strict=True):
            assert stage["status"] in ("graded", "missing", "import-error")
            assert stage["max_score"] == manifest.points
            assert stage["score"] == sum(test["score"] for test in stage["tests"])
            for test in stage["tests"]:
                assert set(test) == {"name", "score", "max_score", "status", "message"}
                assert test["status"] in ("passed", "failed", "error", "timeout")
        assert submission["score"] == sum(stage["score"] for stage in submission["stages"])


@pytest.mark.slow
def test_right_wrong_missing_and_import_error(graded):
    students = by_id(graded["json"])
    assert students["right"]["score"] == 10
    assert 0 < students["wrong"]["score"] < 10
    broken = students["broken"]["stages"][0]
    assert broken["status"] == "import-error" and "ZeroDivisionError" in broken["message"]
    missing = students["right"]["stages"][1]
    assert missing["status"] == "missing" and missing["score"] == 0 and missing["tests"] == []


@pytest.mark.slow
def test_a_failed_test_says_what_was_expected_and_why(graded):
    tests = by_id(graded["json"])["wrong"]["stages"][0]["tests"]
    failed = next(test for test in tests if test["status"] == "failed")
    assert "returned 0.5" in failed["message"] and "expected" in failed["message"]
    assert "def test_" not in failed["message"] and "Traceback" not in failed["message"]


@pytest.mark.slow
def test_out_holds_csv_gradescope_results_and_feedback(graded):
    out = graded["out"]
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [row["id"] for row in rows] == ["broken", "right", "wrong"]
    assert rows[1]["stage1_mle_coin"] == "10" and rows[1]["total"] == "10"
    results = json.loads((out / "results" / "wrong.json").read_text())
    assert results["score"] == by_id(graded["json"])["wrong"]["score"]
    assert {"name", "score", "max_score", "output", "visibility"} <= set(results["tests"][0])
    feedback = (out / "feedback" / "broken.md").read_text()
    assert "could not be imported" in feedback and "ZeroDivisionError" in feedback
    assert not [path for path in out.rglob(".*")], "no temporary file is left behind"


@pytest.mark.slow
def test_grading_again_writes_the_same_files(graded, small_class, tmp_path):
    out = tmp_path / "again"
    assert mapcourse("grade", str(small_class), "--out", str(out), "--jobs", "1").returncode == 0
    # they say when and how long: each submission's time, the run's start and options
    timed = {"class.json", "report.html", "run.json"}
    compared = 0
    for path in graded["out"].rglob("*"):
        if path.is_file() and path.name not in timed:
            assert (out / path.relative_to(graded["out"])).read_bytes() == path.read_bytes()
            compared += 1
    assert compared >= 9  # grades.csv, the gradebooks, each submission's results and feedback
    first, second = (json.loads((d / "run.json").read_text()) for d in (graded["out"], out))
    assert first["suites"] == second["suites"] and first["stages"] == second["stages"]
    assert second["options"]["jobs"] == 1 and second["previous"] is None


@pytest.mark.slow
def test_the_table_is_for_people(small_class):
    result = mapcourse("grade", str(small_class / "right"))
    assert result.returncode == 0
    assert "right" in result.stdout and "missing" in result.stdout and "sandbox" in result.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["/no/such/folder"], "does not exist"),
    (["pyproject.toml"], "is a file"),
    (["{empty}"], "holds no submission"),
    (["{class}", "--format", "xml"], "unknown format"),
    (["{class}", "--jobs", "0"], "--jobs must be at least 1"),
    (["{class}", "--stage-budget", "0"], "--stage-budget and --memory must be positive"),
    (["{class}", "--out", "/proc/no-such-folder/x"], "cannot be written"),
    (["{class}", "--out", "{class}/grades"], "overlaps the graded folder"),
    (["{class}", "--out", "pyproject.toml"], "is a file"),
], ids=["missing path", "a file", "an empty folder", "unknown format", "zero jobs",
        "no stage budget", "unwritable out", "out inside the class", "out is a file"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, args, says):
    class_dir = tmp_path / "class"
    (class_dir / "alice").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    before = sorted(tmp_path.rglob("*"))
    args = [arg.format(empty=tmp_path / "empty", **{"class": class_dir}) for arg in args]
    result = mapcourse("grade", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.slow
def test_ctrl_c_leaves_whole_files_and_no_process(tmp_path):
    class_dir = tmp_path / "class"
    for index in range(12):
        (class_dir / f"s{index:02d}").mkdir(parents=True)
        shutil.copy(STAGE1, class_dir / f"s{index:02d}")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "mapcourse", "grade", str(class_dir),
                                "--out", str(out), "--jobs", "2"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while not list(out.glob("results/*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "interrupted" in stderr
    assert "Traceback" not in stderr
    for path in out.rglob("*"):
        assert not path.name.startswith("."), f"half-written file left: {path}"
        if path.suffix == ".json":
            json.loads(path.read_text())
    time.sleep(1)
    assert not [p for p in Path("/proc").glob("[0-9]*/cmdline")
                if str(class_dir).encode() in _read(p)]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_without_bubblewrap_grading_refuses_unless_told(tmp_path, small_class):
    bin_dir = tmp_path / "bin"  # a PATH where bwrap is not
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    environment = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    refused = subprocess.run([sys.executable, "-m", "mapcourse", "grade",
                              str(small_class / "right")], capture_output=True, text=True,
                             cwd=ROOT, env=environment, timeout=300)
    assert refused.returncode == 2
    assert "bubblewrap" in refused.stderr and "--no-sandbox" in refused.stderr
    told = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(small_class / "right"),
                           "--no-sandbox", "--format", "json"], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=600)
    assert told.returncode == 0, told.stderr
    report = json.loads(told.stdout)
    assert report["sandbox"] == "not isolated (the instructor passed --no-sandbox)"
    assert report["submissions"][0]["score"] == 10
    assert "WARNING" in told.stderr
