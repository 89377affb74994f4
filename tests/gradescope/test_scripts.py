"""setup.sh fails loudly and takes torch from PyTorch's CPU index; run_autograder always
leaves a results.json, and one that hides what grading failed on."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from mapcourse import gradescope
from mapcourse.gradescope import RUN, TORCH_INDEX, requirements, run_autograder, setup_script
from mapcourse.grading.plugin import HiddenSuiteError
from mapcourse.manifest import load_course
from mapcourse.sandbox.isolated import SandboxUnavailable

COURSE = load_course()
SECRET = "assert student.mle(3, 1) == pytest.approx(0.75)"  # a hidden suite's line


def fake_root(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "setup.sh").write_text(setup_script(COURSE))
    (tmp_path / "source" / "run_autograder").write_text(RUN)
    (tmp_path / "submission").mkdir()
    return tmp_path


def test_setup_takes_torch_from_the_cpu_index_which_a_variable_overrides():
    script = setup_script(COURSE)
    assert TORCH_INDEX == "https://download.pytorch.org/whl/cpu"
    assert f'torch_index="${{MAPCOURSE_TORCH_INDEX:-{TORCH_INDEX}}}"' in script
    assert '--index-url "$torch_index" "$torch"' in script
    assert 'torch="${MAPCOURSE_TORCH-torch==2.13.0}"' in script
    assert not [line for line in requirements(COURSE).splitlines() if line.startswith("torch")]


def test_setup_never_hides_a_failure():
    script = setup_script(COURSE)
    assert "|| true" not in script and "set -euo pipefail" in script
    commands = script.replace("\\\n", " ").splitlines()  # continued lines joined
    apt = [line for line in commands if line.strip().startswith("apt-get")]
    assert len(apt) == 3 and all("|| fail" in line or "|| warn" in line for line in apt)


def test_setup_stops_with_what_to_do_when_python_is_too_old_or_missing(tmp_path):
    root = fake_root(tmp_path)
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], capture_output=True,
                          text=True, env={**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(root),
                                          "MAPCOURSE_PYTHON": str(tmp_path / "no-python")})
    assert done.returncode != 0
    assert "FAILED" in done.stderr and "3.10" in done.stderr and "base image" in done.stderr
    assert not (root / "venv").exists()


def test_run_autograder_leaves_results_even_when_python_cannot_start(tmp_path):
    root = fake_root(tmp_path)  # no venv: setup.sh never ran
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")],
                          capture_output=True, text=True,
                          env={**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(root)})
    assert done.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not start" in results["output"]


@pytest.mark.parametrize("error, shown", [
    (HiddenSuiteError(f"hidden suites did not collect: {SECRET}"), False),
    (RuntimeError(SECRET), False),
    (SandboxUnavailable("bubblewrap cannot isolate here and no unprivileged user exists"),
     True),
], ids=["a broken hidden suite", "a crash in the grader", "no way to isolate"])
def test_a_grading_crash_gives_a_results_json_that_says_so_without_hidden_lines(
        tmp_path, monkeypatch, capsys, error, shown):
    def crash(*args, **kwargs):
        raise error

    monkeypatch.setattr(gradescope, "grade_all", crash)
    run_autograder(tmp_path)
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"] == []
    assert "could not grade" in results["output"] and type(error).__name__ in results["output"]
    assert SECRET not in json.dumps(results)
    assert (str(error) in results["output"]) == shown
    assert results["execution_time"] >= 0
    assert type(error).__name__ in capsys.readouterr().err  # the details, for staff
