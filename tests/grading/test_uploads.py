"""Locating stage files in uploads as students make them: nested, split, stale, copies,
notebooks."""

import json
import os

import pytest

from mapcourse.grading.assemble import missing_message, stage_note, write_folder
from mapcourse.grading.uploads import locate, notebook_source
from tests.grading.shapes import COURSE, STAGES, chosen, notebook, solution, stub, write


def test_stages_split_over_two_folders_are_each_found(tmp_path):
    for stage_id in STAGES[:3]:
        write(tmp_path / "week1" / f"{stage_id}.py", solution(stage_id))
    for stage_id in STAGES[3:]:
        write(tmp_path / "week2" / "code" / f"{stage_id}.py", solution(stage_id))
    upload = locate(tmp_path, COURSE)
    assert [chosen(upload, s) for s in STAGES] == [
        *(f"week1/{s}.py" for s in STAGES[:3]), *(f"week2/code/{s}.py" for s in STAGES[3:])]
    assert stage_note(upload, upload.choice(STAGES[4])) == f"Graded `week2/code/{STAGES[4]}.py`."


def test_the_whole_student_repository_grades_its_exercises_without_a_note(tmp_path):
    repo = tmp_path / "mapcourse-student-main"
    for stage_id in STAGES:
        write(repo / "exercises" / f"{stage_id}.py", solution(stage_id))
        write(repo / "exercises" / f"test_{stage_id}.py", "def test_visible(): pass\n")
    write(repo / "exercises" / "conftest.py", "")
    write(repo / "src" / "mapcourse" / "checks.py", "")
    write(repo / ".mapcourse" / "release.json", json.dumps({"stubs": {}}))
    write(repo / ".github" / "workflows" / "classroom.yml", "name: Autograding\n")
    upload = locate(tmp_path, COURSE)
    assert [chosen(upload, s) for s in STAGES] == [
        f"mapcourse-student-main/exercises/{s}.py" for s in STAGES]
    assert [stage_note(upload, choice) for choice in upload.stages] == [""] * len(STAGES)
    write_folder(upload, tmp_path / "graded")
    assert (tmp_path / "graded" / f"test_{STAGES[0]}.py").is_file()
    assert not (tmp_path / "graded" / "src").exists()


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


def test_an_nbgrader_notebooks_test_cells_are_left_out_of_the_module():
    cells = json.loads(notebook("import math", "assert f(2) == 4", "def f(x):\n    return x"))
    cells["cells"][2]["metadata"] = {"nbgrader": {"grade": True, "solution": False}}
    cells["cells"][3]["metadata"] = {"nbgrader": {"grade": False, "solution": True}}
    assert notebook_source(json.dumps(cells)) == "import math\ndef f(x):\n    return x\n"


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
