"""The Gradescope bundle grades like `mapcourse grade`, in a fake /autograder layout."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from mapcourse.manifest import load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT)


def test_bundle_holds_gradescope_files_and_the_course(tmp_path):
    bundle = tmp_path / "autograder.zip"
    result = subprocess.run([sys.executable, "-m", "mapcourse", "gradescope", str(bundle)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    assert "course/course.toml" in names
    for stage in COURSE.stages:
        assert f"course/autograder/test_{stage.id}.py" in names
        assert f"course/solutions/{stage.filename}" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    needed = zipfile.ZipFile(bundle).read("requirements.txt").decode().splitlines()[1:]
    assert any(line.startswith("pytest") for line in needed)
    assert not [line for line in needed if line.startswith("torch")]  # from the CPU index
    assert not [line for line in needed if "nbgrader" in line or "extra" in line]
    setup = zipfile.ZipFile(bundle).read("setup.sh").decode()
    assert "torch==2.13.0" in setup and "https://download.pytorch.org/whl/cpu" in setup


def test_bundle_refuses_a_name_that_is_not_a_zip(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mapcourse", "gradescope",
                             str(tmp_path / "bundle.tar")], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 2 and "zip" in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_run_autograder_grades_the_submission_like_mapcourse_grade(tmp_path):
    bundle = tmp_path / "autograder.zip"
    subprocess.run([sys.executable, "-m", "mapcourse", "gradescope", str(bundle)], check=True,
                   cwd=ROOT, capture_output=True)
    autograder = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(autograder / "source")
    upload = autograder / "submission" / "my-homework"  # students often upload a folder
    upload.mkdir(parents=True)
    (autograder / "venv" / "bin").mkdir(parents=True)  # setup.sh's environment: this one
    (autograder / "venv" / "bin" / "python").symlink_to(sys.executable)
    shutil.copy(ROOT / "solutions" / "stage1_mle_coin.py", upload)
    shutil.copy(ROOT / "solutions" / "stage5_weight_decay.py", upload)  # the torch stage
    (upload / "stage6_beta_bayes.py").write_text(
        (ROOT / "solutions" / "stage6_beta_bayes.py").read_text()
        + "\n\ndef posterior_mean(a, b, heads, tails):\n    return 0.5\n")
    environment = {**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(autograder)}
    run = subprocess.run(["bash", str(autograder / "source" / "run_autograder")],
                         capture_output=True, text=True, env=environment, timeout=600)
    assert run.returncode == 0, run.stderr
    results = json.loads((autograder / "results" / "results.json").read_text())

    graded = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(upload),
                             "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                            timeout=600)
    expected = json.loads(graded.stdout)["submissions"][0]
    assert results["score"] == expected["score"]
    assert 20 < results["score"] < 30
    assert sum(test["max_score"] for test in results["tests"]) == COURSE.max_score
    assert all(test["visibility"] == "visible" for test in results["tests"])
    assert results["execution_time"] > 0


@pytest.mark.slow
def test_an_assignment_bundle_grades_its_stages_only_with_the_late_policy(tmp_path):
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student,assignment,due,days\nlate@school.edu,a1,,3\n")
    bundle = tmp_path / "a2.zip"
    built = subprocess.run([sys.executable, "-m", "mapcourse", "gradescope", str(bundle),
                            "--assignment", "a2", "--extensions", str(extensions)],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0 and "assignment a2" in built.stdout, built.stderr
    autograder = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(autograder / "source")
    upload = autograder / "submission"
    upload.mkdir(parents=True)
    (autograder / "venv" / "bin").mkdir(parents=True)
    (autograder / "venv" / "bin" / "python").symlink_to(sys.executable)
    for stage in COURSE.stages:  # the whole repository, every stage done
        shutil.copy(ROOT / "solutions" / f"{stage.id}.py", upload)
    due = COURSE.assignment("a2").due
    (autograder / "submission_metadata.json").write_text(json.dumps({
        "created_at": (due + timedelta(days=1, hours=2)).isoformat(),
        "users": [{"email": "late@school.edu", "name": "Late Student", "id": 1}]}))
    environment = {**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(autograder)}
    run = subprocess.run(["bash", str(autograder / "source" / "run_autograder")],
                         capture_output=True, text=True, env=environment, timeout=600)
    assert run.returncode == 0, run.stderr
    results = json.loads((autograder / "results" / "results.json").read_text())
    stages = {test["name"].split(":")[0] for test in results["tests"]}
    assert stages == {"stage3_gaussian_l2", "stage4_laplace_l1"}  # no "missing 0/10" entries
    autograded = sum(test["max_score"] for test in results["tests"])
    assert autograded == 20  # a whole-repository upload is not scored out of 60
    assert results["score"] == pytest.approx(20 * 0.8)  # 2 days late; the a1 extension is not a2's
    assert results["output"].startswith("2 days late: −20%, 20/20 → 16/20")
