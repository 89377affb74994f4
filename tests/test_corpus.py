"""The hidden suites grade the labelled corpus right, through the real `mapcourse grade`.

Every wrong case must lose points in exactly the stages its case.toml names and keep
full marks everywhere else; every correct-but-different case must get full marks.
"""

import json
import subprocess
import sys

import pytest

from mapcourse.manifest import load_course
from tests.corpus import ROOT, build, cases

WRONG, CORRECT = cases("wrong"), cases("correct")


def test_the_corpus_is_large_enough():
    assert len(WRONG) >= 20 and len(CORRECT) >= 5
    assert all(case.why and case.loses for case in WRONG)
    assert all(not case.loses for case in CORRECT)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    class_dir = tmp_path_factory.mktemp("corpus")
    for case in WRONG + CORRECT:
        build(case, class_dir)
    result = subprocess.run(
        [sys.executable, "-m", "mapcourse", "grade", str(class_dir), "--format", "json",
         "--jobs", "2"], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert result.returncode == 0, result.stderr
    return {s["id"]: s for s in json.loads(result.stdout)["submissions"]}


def lost_stages(submission: dict) -> set[str]:
    return {stage["stage"] for stage in submission["stages"]
            if stage["score"] < stage["max_score"]}


def explain(submission: dict) -> str:
    return "\n".join(f"{stage['stage']} {stage['score']}: " + "; ".join(
        f"{test['name']} [{test['status']}] {test['message'][:200]}"
        for test in stage["tests"] if test["status"] != "passed") + stage.get("message", "")
        for stage in submission["stages"] if stage["score"] < stage["max_score"])


@pytest.mark.slow
@pytest.mark.parametrize("case", WRONG, ids=[case.name for case in WRONG])
def test_wrong_submission_loses_points_exactly_where_labelled(graded, case):
    submission = graded[case.id]
    assert lost_stages(submission) == set(case.loses), explain(submission)


@pytest.mark.slow
@pytest.mark.parametrize("case", CORRECT, ids=[case.name for case in CORRECT])
def test_correct_but_different_submission_gets_full_marks(graded, case):
    submission = graded[case.id]
    assert submission["score"] == load_course(ROOT).max_score, explain(submission)


@pytest.mark.slow
def test_messages_never_show_hidden_test_source(graded):
    source = {line.strip() for suite in (ROOT / "autograder").glob("test_*.py")
              for line in suite.read_text().splitlines() if len(line.strip()) > 30}
    text = json.dumps(list(graded.values()))
    assert [line for line in source if line in text] == []
