"""Mutation testing (bench/mutation.py): the verdict rules, and one real run on stage 6."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("bench_mutation", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded(score: float, *statuses: str) -> dict:
    return {"score": score, "max_score": 10, "status": "graded", "message": "", "cpu": 0.5,
            "tests": [{"name": "t", "status": status, "message": "m"} for status in statuses]}


@pytest.mark.parametrize(("replies", "verdict"), [
    ([graded(10.0)], "survived"),
    ([graded(9.0, "failed")], "killed"),
    ([graded(8.0, "failed", "timeout")], "timeout"),
    ([{"score": 0.0, "max_score": 10, "status": "import-error", "message": "SyntaxError",
       "tests": []}], "killed"),
    ([{"died": "SIGXCPU"}], "timeout"),
    ([{"died": "SIGSEGV"}], "killed"),
    ([{"error": "HiddenSuiteError: broken"}], "error"),
    ([], "error"),
], ids=["full marks survive", "a lost point kills", "a timed-out call is a timeout",
        "a file that does not import is killed", "the CPU limit is a timeout",
        "a crash kills", "a broken grader is an error, not a kill",
        "no answer is an error, not a kill"])
def test_a_mutant_is_killed_only_when_its_stage_loses_points(mutation, replies, verdict):
    assert mutation.verdict_of(replies)[0] == verdict


def test_only_the_solution_regions_are_scored(mutation):
    path = ROOT / "solutions" / "stage6_beta_bayes.py"
    lines = path.read_text().splitlines()
    regions = mutation.solution_regions(path)
    assert len(regions) == 3
    for first, last in regions:
        assert lines[first - 1].strip() == "### BEGIN SOLUTION"
        assert lines[last - 1].strip() == "### END SOLUTION"


@pytest.mark.slow
def test_the_hidden_suite_kills_at_least_90_percent_of_stage6_mutants(tmp_path):
    pytest.importorskip("cosmic_ray")
    out = tmp_path / "mutation"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--stage", "stage6_beta_bayes", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads((out / "summary.json").read_text())["stages"]["stage6_beta_bayes"]
    assert figures["mutants"] >= 100, figures  # the solution regions were mutated
    assert figures["error"] == 0, figures
    assert figures["percent_killed"] >= 90, figures
    assert "stage6_beta_bayes" in (out / "survivors.md").read_text() or figures["survived"] == 0
