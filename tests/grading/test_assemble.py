"""An upload graded: its notes and missing messages, in the results and in Gradescope."""

import json
import zipfile
from pathlib import Path

import pytest

from mapcourse.grading import render
from mapcourse.grading.assemble import explain
from mapcourse.grading.results import StageResult, SubmissionResult
from mapcourse.grading.uploads import locate
from mapcourse.sandbox.levels import trusted_run
from tests.grading.shapes import COURSE, STAGES, notebook, solution, stub, write

SANDBOX = trusted_run().description  # how the code ran: any level's words


def test_explain_adds_notes_and_names_the_missing_file_but_keeps_status_and_score(tmp_path):
    write(tmp_path / "x" / f"{STAGES[0]} (1).py", solution(STAGES[0]))
    upload = locate(tmp_path, COURSE)
    result = SubmissionResult("s", tuple(StageResult(s, 10, "missing", message="missing")
                                         for s in STAGES), COURSE.max_score)
    explained = explain(result, upload)
    assert [stage.status for stage in explained.stages] == ["missing"] * len(COURSE.stages)
    assert explained.score == 0
    assert explained.stages[0].note.startswith(f"Graded `x/{STAGES[0]} (1).py`")
    assert explained.stages[1].message.startswith(f"`{STAGES[1]}.py` is not in the submission")
    assert explain(result, None) is result


def test_gradescope_output_of_a_missing_stage_names_the_file_not_missing_twice():
    result = SubmissionResult("s", (StageResult(STAGES[2], 10, "missing", message="missing"),),
                              10)
    output = json.loads(render.gradescope(result, sandbox=SANDBOX))["tests"][0]["output"]
    assert output == f"missing: `{STAGES[2]}.py` is missing from the submission."


def test_a_note_reaches_gradescope_as_a_test_worth_no_points():
    stage = StageResult(STAGES[0], 10, "graded", note="Graded `a/x.py`.")
    result = SubmissionResult("s", (stage,), 10)
    tests = json.loads(render.gradescope(result, sandbox=SANDBOX))["tests"]
    assert tests == [{"name": f"{STAGES[0]}: stage file", "score": 0.0, "max_score": 0.0,
                      "output": "Graded `a/x.py`.", "visibility": "visible"}]


def test_feedback_shows_the_note_and_the_missing_file_it_expected():
    stages = (StageResult(STAGES[0], 10, "graded", note="Graded `a/x.py`."),
              StageResult(STAGES[1], 10, "missing", message="missing"),
              *(StageResult(stage_id, 10, "missing", message="`y.py` is not there.")
                for stage_id in STAGES[2:]))
    text = render.feedback(SubmissionResult("s", stages, COURSE.max_score), COURSE)
    assert "> Graded `a/x.py`." in text
    assert f"`{STAGES[1]}.py` is missing from the submission." in text
    assert "`y.py` is not there." in text


def macos_zip(tmp_path: Path, files: dict[str, str]) -> Path:
    """Gradescope's /autograder/submission after unzipping a zip made by macOS's Finder."""
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as upload:
        for name, text in files.items():
            upload.writestr(name, text)
            folder, _, base = name.rpartition("/")
            upload.writestr(f"__MACOSX/{folder}/._{base}", "\x00\x05\x16\x07")
    root = tmp_path / "autograder"
    zipfile.ZipFile(archive).extractall(root / "submission")
    return root


def run_autograder(root: Path) -> dict:
    from mapcourse.gradescope import run_autograder

    run_autograder(root)
    return json.loads((root / "results" / "results.json").read_text())


def stage_tests(results: dict, stage_id: str) -> list[dict]:
    return [test for test in results["tests"] if test["name"].startswith(f"{stage_id}:")]


@pytest.mark.slow
def test_split_folders_copies_and_a_notebook_get_full_marks_through_the_autograder(tmp_path):
    files = {"hw/part1/helpers.py": solution(STAGES[0]),
             f"hw/part1/{STAGES[0]}.py": "from helpers import grid_mle, log_likelihood, mle\n",
             f"hw/part1/{STAGES[1]}.py": solution(STAGES[1]),
             f"hw/part1/{STAGES[2]}.py": solution(STAGES[2]),
             "hw/part2/helpers.py": "UNUSED = True\n",
             f"hw/part2/{STAGES[3]}.py": solution(STAGES[3]),
             f"hw/part2/{STAGES[4]} (1).py": solution(STAGES[4]),
             f"hw/part2/{STAGES[5]}.ipynb": notebook("%matplotlib inline", solution(STAGES[5]))}
    results = run_autograder(macos_zip(tmp_path, files))
    assert results["score"] == COURSE.max_score, [t for t in results["tests"]
                                                  if t["score"] < t["max_score"]]
    notes = {stage_id: [t["output"] for t in stage_tests(results, stage_id)
                        if t["name"].endswith("stage file")] for stage_id in STAGES}
    assert notes[STAGES[3]][0].startswith(f"Graded `hw/part2/{STAGES[3]}.py`.")
    assert "(1).py` as" in notes[STAGES[4]][0] and "code cells" in notes[STAGES[5]][0]


@pytest.mark.slow
def test_stale_stubs_beside_the_work_lose_to_it_and_alone_still_score_zero(tmp_path):
    files = {f"backup/{stage_id}.py": stub(stage_id) for stage_id in STAGES}
    files |= {f"exercises/{stage_id}.py": solution(stage_id) for stage_id in STAGES[:5]}
    results = run_autograder(macos_zip(tmp_path, files))
    stage_points = COURSE.stages[5].points
    assert results["score"] == COURSE.max_score - stage_points
    note = stage_tests(results, STAGES[0])[0]
    assert note["max_score"] == 0 and f"Ignored `backup/{STAGES[0]}.py` (an untouched stub)" \
        in note["output"]
    assert sum(t["score"] for t in stage_tests(results, STAGES[5])) == 0
