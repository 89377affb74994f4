"""The bundle builds and grades on Gradescope's default image's Python (3.10).

`setup.sh` builds its environment with pyenv's Python 3.10 in a fake Gradescope root
(`MAPCOURSE_AUTOGRADER_ROOT`), then `run_autograder` grades a correct, a partly wrong
and a hostile submission. PyPI has no CPU-only torch for 3.10 (only the CUDA build, some
GB), so this run leaves torch out (`MAPCOURSE_TORCH=`) and grades a copy of the course
without the stages whose hidden suites import torch (3, 4 and 5);
`tests/test_gradescope.py` grades those too, through the bundle with this interpreter.

Each submission is graded twice: with bubblewrap working, and with it made to fail. Then
student code may only run as an unprivileged user with a Python that user can run and
that has numpy and torch; this environment has no such Python (pyenv's lives in root's
home, and it has no torch), so grading must refuse, with a results.json that says why,
never run as root, and leak nothing. `tests/sandbox/test_unprivileged_level.py` grades at
that level where such a Python exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mapcourse.gradescope import COURSE_FILES, COURSE_FOLDERS, build_bundle
from mapcourse.manifest import load_course

ROOT = Path(__file__).resolve().parents[2]
PYTHON310 = sorted(Path.home().glob(".pyenv/versions/3.10.*/bin/python3"))
BWRAP = {"bubblewrap working": {}, "bubblewrap made to fail": {"MAPCOURSE_BWRAP": "/bin/false"}}
"""How bubblewrap behaves in each run: extra environment for run_autograder."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PYTHON310, reason="needs Python 3.10 under pyenv "
                       "(~/.pyenv/versions/3.10.*), the Python of Gradescope's default image"),
]


def needs_torch(suite: Path) -> bool:
    return "import torch" in suite.read_text()


def course_without_torch(folder: Path) -> Path:
    """A copy of the course without the stages whose hidden suites need torch."""
    dropped = [suite.stem.removeprefix("test_") for suite in (ROOT / "autograder").glob("*.py")
               if needs_torch(suite)]
    for name in COURSE_FILES:
        shutil.copy(ROOT / name, folder / name)
    skipped = shutil.ignore_patterns("__pycache__", "*.egg-info",
                                     *(f"*{stage}*" for stage in dropped))
    for name in COURSE_FOLDERS:
        shutil.copytree(ROOT / name, folder / name, ignore=skipped)
    # the tables of course.toml that name a dropped stage go: its [[stages]] entry and the
    # [[assignments]] that hold it
    table = re.compile(r"(?m)^(?=\[\[(?:stages|assignments)\]\]$)")
    tables = table.split((ROOT / "course.toml").read_text())
    kept = [table for table in tables if not any(f'"{stage}"' in table for stage in dropped)]
    (folder / "course.toml").write_text("".join(kept))
    return folder


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory) -> tuple[Path, Path, str]:
    """(the fake /autograder after setup.sh, the course it holds, setup.sh's output)."""
    course_root = course_without_torch(tmp_path_factory.mktemp("course"))
    autograder = tmp_path_factory.mktemp("autograder")
    bundle = autograder / "autograder.zip"
    build_bundle(load_course(course_root), bundle)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(autograder / "source")
    environment = {**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(autograder),
                   "MAPCOURSE_PYTHON": str(PYTHON310[-1]), "MAPCOURSE_TORCH": ""}
    environment.pop("MAPCOURSE_ROOT", None)
    setup = subprocess.run(["bash", str(autograder / "source" / "setup.sh")], env=environment,
                           capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stderr[-3000:]
    return autograder, course_root, setup.stdout + setup.stderr


def submissions(course_root: Path, autograder: Path, folder: Path) -> dict[str, Path]:
    solutions = course_root / "solutions"
    correct, partly, hostile = (folder / name for name in ("correct", "partly", "hostile"))
    shutil.copytree(solutions, correct)
    shutil.copytree(solutions, partly / "my-homework")  # students often upload a folder
    (partly / "my-homework" / "stage1_mle_coin.py").unlink()
    stage6 = partly / "my-homework" / "stage6_beta_bayes.py"
    stage6.write_text(stage6.read_text() + "\n\ndef posterior_mean(a, b, heads, tails):\n"
                      "    return 0.5\n")
    shutil.copytree(solutions, hostile)
    shutil.copy(ROOT / "tests" / "hostile" / "reads_the_solutions" / "stage1_mle_coin.py",
                hostile)
    (hostile / "stage2_map_table.py").write_text(
        "import glob\n"
        f"found = glob.glob({str(autograder / 'source')!r} + '/**/*.py', recursive=True)\n"
        "found += glob.glob('/autograder/source/**/*.py', recursive=True)\n"
        "raise RuntimeError(''.join(open(path).read() for path in found)[:5000] "
        "or 'nothing readable')\n")
    return {"correct": correct, "partly wrong": partly, "hostile": hostile}


def hidden_lines(course_root: Path, submitted: Path) -> set[str]:
    """Lines of the hidden suites and solutions that the submission itself does not hold."""
    own = {line.strip() for path in submitted.rglob("*.py") for line in
           path.read_text().splitlines()}
    hidden = {line.strip() for folder in ("autograder", "solutions")
              for path in (course_root / folder).glob("*.py")
              for line in path.read_text().splitlines()}
    return {line for line in hidden - own if len(line) > 20 and re.search(r"[(=]", line)}


def mapcourse_grade(course_root: Path, upload: Path) -> float:
    graded = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(upload),
                             "--format", "json"], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "MAPCOURSE_ROOT": str(course_root)})
    assert graded.returncode == 0, graded.stderr
    return json.loads(graded.stdout)["submissions"][0]["score"]


def test_setup_builds_on_python_310_without_hiding_failures(gradescope):
    autograder, _course, output = gradescope
    version = subprocess.run([str(autograder / "venv" / "bin" / "python"), "--version"],
                             capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")
    assert "FAILED" not in output and "setup.sh: built in" in output
    assert (autograder / "source").stat().st_mode & 0o077 == 0  # the course: root only


@pytest.mark.parametrize("bwrap", list(BWRAP))
def test_run_autograder_on_python_310_grades_like_mapcourse_grade_and_leaks_nothing(
        gradescope, bwrap, tmp_path):
    autograder, course_root, _output = gradescope
    environment = {**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(autograder), **BWRAP[bwrap]}
    environment.pop("MAPCOURSE_ROOT", None)
    course = load_course(course_root)
    for name, upload in submissions(course_root, autograder, tmp_path).items():
        shutil.rmtree(autograder / "submission", ignore_errors=True)
        shutil.rmtree(autograder / "results", ignore_errors=True)
        shutil.copytree(upload, autograder / "submission")
        run = subprocess.run(["bash", str(autograder / "source" / "run_autograder")],
                             env=environment, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        text = (autograder / "results" / "results.json").read_text()
        results = json.loads(text)
        assert results["execution_time"] > 0
        leaked = [line for line in hidden_lines(course_root, upload) if line in text]
        assert not leaked, (name, leaked[:3])
        if not results["tests"]:  # no isolation this machine allows: refused, never as root
            assert bwrap != "bubblewrap working", results["output"]
            assert "IsolationRefused: bubblewrap could not start" in results["output"], name
            assert results["score"] == 0, name
            continue
        assert results["score"] == mapcourse_grade(course_root, upload), name
        assert sum(test["max_score"] for test in results["tests"]) == course.max_score, name
        if name == "correct":
            assert results["score"] == course.max_score
        else:
            assert 0 < results["score"] < course.max_score, name
