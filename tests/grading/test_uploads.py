"""Uploads as students make them: stage files nested, split, stale, copied or in notebooks."""

import json
import os
import zipfile
from pathlib import Path

import pytest

from mapcourse.grading import render
from mapcourse.grading.assemble import explain, missing_message, stage_note, write_folder
from mapcourse.grading.discover import discover
from mapcourse.grading.results import StageResult, SubmissionResult
from mapcourse.grading.uploads import locate, notebook_source
from mapcourse.manifest import load_course
from mapcourse.stubs import stub_source

COURSE = load_course(Path(__file__).resolve().parents[2])
STAGES = [stage.id for stage in COURSE.stages]


def solution(stage_id: str) -> str:
    return (COURSE.solutions_dir / f"{stage_id}.py").read_text()


def stub(stage_id: str) -> str:
    return stub_source(solution(stage_id), f"{stage_id}.py")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def notebook(*cells: str) -> str:
    """An nbformat 4 notebook: a markdown cell, then `cells` as code cells."""
    code = [{"cell_type": "code", "source": cell.splitlines(keepends=True), "metadata": {},
             "outputs": [], "execution_count": None} for cell in cells]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "markdown", "source": "# My work",
                                  "metadata": {}}, *code]})


def chosen(upload, stage_id: str) -> str | None:
    choice = upload.choice(stage_id)
    return choice.chosen.relative if choice.chosen else None


def test_stages_split_over_two_folders_are_each_found(tmp_path):
    for stage_id in STAGES[:3]:
        write(tmp_path / "week1" / f"{stage_id}.py", solution(stage_id))
    for stage_id in STAGES[3:]:
        write(tmp_path / "week2" / "code" / f"{stage_id}.py", solution(stage_id))
    upload = locate(tmp_path, COURSE)
    assert [chosen(upload, s) for s in STAGES] == [
        *(f"week1/{s}.py" for s in STAGES[:3]), *(f"week2/code/{s}.py" for s in STAGES[3:])]
    assert stage_note(upload, upload.choice(STAGES[4])) == f"Graded `week2/code/{STAGES[4]}.py`."


def test_a_stale_backup_of_stubs_loses_to_the_real_work_and_the_note_says_so(tmp_path):
    for stage_id in STAGES:
        write(tmp_path / "backup" / f"{stage_id}.py", stub(stage_id))
        write(tmp_path / "exercises" / f"{stage_id}.py", solution(stage_id))
    upload = locate(tmp_path, COURSE)
    assert [chosen(upload, s) for s in STAGES] == [f"exercises/{s}.py" for s in STAGES]
    assert stage_note(upload, upload.choice(STAGES[0])) == (
        f"Graded `exercises/{STAGES[0]}.py`. "
        f"Ignored `backup/{STAGES[0]}.py` (an untouched stub).")


def test_a_stub_with_its_layout_changed_is_still_an_untouched_stub(tmp_path):
    reformatted = ("# my notes\n" + stub(STAGES[0]).replace("\ndef ", "\n\n# mine\ndef ")
                   .replace("\n", "\r\n") + "\n# end\n")
    write(tmp_path / "a" / f"{STAGES[0]}.py", reformatted)
    write(tmp_path / "b" / "deeper" / f"{STAGES[0]}.py",
          stub(STAGES[0]).replace("    raise NotImplementedError", "    return 0.5  #", 1))
    upload = locate(tmp_path, COURSE)
    assert upload.choice(STAGES[0]).ignored[0].stub
    assert chosen(upload, STAGES[0]) == f"b/deeper/{STAGES[0]}.py"


def test_a_stub_listed_in_the_uploads_release_record_counts_as_untouched(tmp_path):
    import hashlib

    old_stub = "def mle(heads, tails):\n    raise NotImplementedError('an older hint')\n"
    write(tmp_path / "repo" / ".mapcourse" / "release.json", json.dumps(
        {"stubs": {STAGES[0]: hashlib.sha256(old_stub.encode()).hexdigest()}}))
    write(tmp_path / "repo" / "exercises" / f"{STAGES[0]}.py", old_stub)
    write(tmp_path / "repo" / "exercises" / "mine" / f"{STAGES[0]}.py", solution(STAGES[0]))
    upload = locate(tmp_path, COURSE)
    assert chosen(upload, STAGES[0]) == f"repo/exercises/mine/{STAGES[0]}.py"


def test_among_equals_the_shallowest_wins_then_the_newest(tmp_path):
    stage_id = STAGES[2]
    deep = write(tmp_path / "a" / "b" / f"{stage_id}.py", solution(stage_id))
    old = write(tmp_path / "old" / f"{stage_id}.py", solution(stage_id))
    new = write(tmp_path / "new" / f"{stage_id}.py", solution(stage_id) + "\n")
    for path, seconds in ((deep, 3_000_000), (old, 1_000_000), (new, 2_000_000)):
        os.utime(path, (seconds, seconds))
    upload = locate(tmp_path, COURSE)
    assert chosen(upload, stage_id) == f"new/{stage_id}.py"
    assert stage_note(upload, upload.choice(stage_id)) == (
        f"Graded `new/{stage_id}.py`. Ignored `old/{stage_id}.py` (older), "
        f"`a/b/{stage_id}.py` (deeper in the submission).")


@pytest.mark.parametrize("name", ["stage3_gaussian_l2 (1).py", "stage3_gaussian_l2(2).py",
                                  "stage3_gaussian_l2-2.py", "stage3_gaussian_l2 copy.py",
                                  "stage3_gaussian_l2 - Copy.py", "Stage3_Gaussian_L2.py"],
                         ids=["browser copy", "copy without space", "numbered with a dash",
                              "macOS copy", "Windows copy", "other letter case"])
def test_a_copys_name_is_accepted_with_a_note(tmp_path, name):
    write(tmp_path / name, solution(STAGES[2]))
    upload = locate(tmp_path, COURSE)
    assert chosen(upload, STAGES[2]) == name
    assert stage_note(upload, upload.choice(STAGES[2])) == (
        f"Graded `{name}` as `{STAGES[2]}.py` (a copy's name: name it `{STAGES[2]}.py` "
        "next time).")
    write_folder(upload, tmp_path / "graded")
    assert (tmp_path / "graded" / f"{STAGES[2]}.py").read_text() == solution(STAGES[2])


@pytest.mark.parametrize("name", ["stage3_gaussian_l2_v2.py", "my_stage3_gaussian_l2.py",
                                  "stage3_gaussian_l2.py.txt", "stage3.py"])
def test_other_names_are_not_taken_for_the_stage(tmp_path, name):
    write(tmp_path / name, solution(STAGES[2]))
    assert chosen(locate(tmp_path, COURSE), STAGES[2]) is None


def test_a_notebooks_code_cells_in_order_become_the_module_without_magics():
    text = notebook("%matplotlib inline\nimport math\n!pip install numpy\n",
                    "def f(x):\n    %time y = 1\n    return math.sqrt(x)\n")
    assert notebook_source(text) == "import math\ndef f(x):\n    return math.sqrt(x)\n"


def test_a_stage_notebook_is_graded_with_a_note(tmp_path):
    source = solution(STAGES[0])
    half = source.index("\ndef mle(")
    write(tmp_path / f"{STAGES[0]}.ipynb", notebook("%load_ext autoreload\n" + source[:half],
                                                     source[half:]))
    upload = locate(tmp_path, COURSE)
    assert chosen(upload, STAGES[0]) == f"{STAGES[0]}.ipynb"
    assert "code cells" in stage_note(upload, upload.choice(STAGES[0]))
    write_folder(upload, tmp_path / "graded")
    module = (tmp_path / "graded" / f"{STAGES[0]}.py").read_text()
    namespace: dict = {}
    exec(compile(module, "stage1", "exec"), namespace)  # the notebook's code, runnable
    assert namespace["mle"](3, 1) == 0.75


def test_an_unreadable_notebook_is_named_in_the_missing_message(tmp_path):
    write(tmp_path / f"{STAGES[0]}.ipynb", "{not json")
    upload = locate(tmp_path, COURSE)
    assert upload.choice(STAGES[0]).chosen is None
    message = missing_message(upload, upload.choice(STAGES[0]))
    assert f"could not read `{STAGES[0]}.ipynb` (not a notebook" in message


def test_a_missing_stage_names_the_expected_file_and_lists_what_was_found(tmp_path):
    write(tmp_path / "hw" / "ridge.py", "")
    write(tmp_path / "hw" / "notes.ipynb", notebook("x = 1"))
    for number in range(12):
        write(tmp_path / "hw" / "more" / f"extra{number:02}.py", "")
    write(tmp_path / "hw" / STAGES[0] / "readme.txt", "")
    upload = locate(tmp_path, COURSE)
    message = missing_message(upload, upload.choice(STAGES[2]))
    assert message.startswith(f"`{STAGES[2]}.py` is not in the submission")
    assert "found instead: `hw/notes.ipynb`, `hw/ridge.py`, `hw/more/extra00.py`" in message
    assert "`hw/more/extra05.py` and 6 more." in message and "extra06" not in message


def test_an_upload_without_code_says_what_it_holds(tmp_path):
    write(tmp_path / "homework.zip", "PK")
    message = missing_message(locate(tmp_path, COURSE), locate(tmp_path, COURSE).stages[0])
    assert "holds no .py or .ipynb file, only `homework.zip`" in message


def test_macos_leftovers_hidden_folders_caches_and_virtualenvs_are_ignored(tmp_path):
    stage_id = STAGES[0]
    for ignored in ("__MACOSX/hw", ".git/objects", "hw/__pycache__", ".venv/lib",
                    "env/lib/python3.11/site-packages/pkg", "hw/.ipynb_checkpoints"):
        write(tmp_path / ignored / f"{stage_id}.py", solution(stage_id))
    write(tmp_path / "env" / "pyvenv.cfg", "home = /usr/bin\n")
    write(tmp_path / "hw" / f"._{stage_id}.py", "\x00\x05\x16\x07 AppleDouble")
    write(tmp_path / "hw" / "deep" / "er" / f"{stage_id}.py", solution(stage_id))
    upload = locate(tmp_path, COURSE)
    assert chosen(upload, stage_id) == f"hw/deep/er/{stage_id}.py"
    assert upload.choice(stage_id).ignored == () and upload.others == ()


def test_symlinks_are_never_followed(tmp_path):
    secret = write(tmp_path / "outside" / "solution.py", solution(STAGES[0]))
    (tmp_path / "upload").mkdir()
    (tmp_path / "upload" / f"{STAGES[0]}.py").symlink_to(secret)
    (tmp_path / "upload" / "linked").symlink_to(secret.parent, target_is_directory=True)
    upload = locate(tmp_path / "upload", COURSE)
    assert chosen(upload, STAGES[0]) is None and upload.others == ()


def test_helpers_beside_each_stage_file_are_copied_and_a_clash_is_noted(tmp_path):
    write(tmp_path / "a" / f"{STAGES[0]}.py", solution(STAGES[0]))
    write(tmp_path / "a" / "helpers.py", "A = 1\n")
    write(tmp_path / "a" / "tools" / "__init__.py", "")
    write(tmp_path / "a" / "plain" / "data.py", "")
    write(tmp_path / "b" / f"{STAGES[1]}.py", solution(STAGES[1]))
    write(tmp_path / "b" / "helpers.py", "B = 2\n")
    write(tmp_path / "b" / "checks.py", "C = 3\n")
    write(tmp_path / "b" / f"{STAGES[0]}.py", stub(STAGES[0]))
    upload = locate(tmp_path, COURSE)
    write_folder(upload, tmp_path / "graded")
    graded = sorted(p.relative_to(tmp_path / "graded").as_posix()
                    for p in (tmp_path / "graded").rglob("*") if p.is_file())
    assert graded == ["checks.py", "helpers.py", f"{STAGES[0]}.py", f"{STAGES[1]}.py",
                      "tools/__init__.py"]
    assert (tmp_path / "graded" / "helpers.py").read_text() == "A = 1\n"
    assert (tmp_path / "graded" / f"{STAGES[0]}.py").read_text() == solution(STAGES[0])
    note = stage_note(upload, upload.choice(STAGES[1]))
    assert "Not copied beside it: `b/helpers.py` (`a/helpers.py` has its name)" in note


def test_explain_adds_notes_and_names_the_missing_file_but_keeps_status_and_score(tmp_path):
    write(tmp_path / "x" / f"{STAGES[0]} (1).py", solution(STAGES[0]))
    upload = locate(tmp_path, COURSE)
    result = SubmissionResult("s", tuple(StageResult(s, 10, "missing", message="missing")
                                         for s in STAGES), 60)
    explained = explain(result, upload)
    assert [stage.status for stage in explained.stages] == ["missing"] * 6
    assert explained.score == 0
    assert explained.stages[0].note.startswith(f"Graded `x/{STAGES[0]} (1).py`")
    assert explained.stages[1].message.startswith(f"`{STAGES[1]}.py` is not in the submission")
    assert explain(result, None) is result


def test_gradescope_output_of_a_missing_stage_names_the_file_not_missing_twice():
    result = SubmissionResult("s", (StageResult(STAGES[2], 10, "missing", message="missing"),),
                              10)
    output = json.loads(render.gradescope(result))["tests"][0]["output"]
    assert output == f"missing: `{STAGES[2]}.py` is missing from the submission."


def test_a_note_reaches_gradescope_as_a_test_worth_no_points():
    stage = StageResult(STAGES[0], 10, "graded", note="Graded `a/x.py`.")
    tests = json.loads(render.gradescope(SubmissionResult("s", (stage,), 10)))["tests"]
    assert tests == [{"name": f"{STAGES[0]}: stage file", "score": 0.0, "max_score": 0.0,
                      "output": "Graded `a/x.py`.", "visibility": "visible"}]


def test_mapcourse_grade_keeps_flat_folders_and_locates_nested_ones(tmp_path):
    write(tmp_path / "class" / "flat" / f"{STAGES[0]}.py", solution(STAGES[0]))
    write(tmp_path / "class" / "flat" / "sub" / f"{STAGES[1]}.py", solution(STAGES[1]))
    write(tmp_path / "class" / "nested" / "hw" / f"{STAGES[0]}.py", solution(STAGES[0]))
    flat, nested = discover([tmp_path / "class"], COURSE)
    assert flat.upload is None
    assert nested.upload is not None and chosen(nested.upload, STAGES[0]) == f"hw/{STAGES[0]}.py"


def test_mapcourse_grade_takes_a_folder_of_copies_and_notebooks_as_one_submission(tmp_path):
    write(tmp_path / "alice" / f"{STAGES[0]} (1).py", solution(STAGES[0]))
    (submission,) = discover([tmp_path / "alice"], COURSE)
    assert submission.id == "alice" and chosen(submission.upload, STAGES[0])


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
