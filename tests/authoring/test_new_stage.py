"""`mapcourse new-stage` scaffolds a working stage: the stub grades 0, the solution full marks."""

from __future__ import annotations

import difflib
import json
import re
import shutil

import pytest

from mapcourse.manifest import load_course, parse_manifest
from mapcourse.release.leaks import find_leaks
from mapcourse.scaffold import ScaffoldError, concept_slug, scaffold, with_stage
from mapcourse.site.nav import concept_pages, stage_pages
from tests.authoring.conftest import ROOT, copy_course, mapcourse

COURSE = load_course(ROOT)
NEW = f"stage{len(COURSE.stages) + 1}_gaussian_mean"  # after the last stage, whatever it is


def test_the_scaffold_is_a_whole_stage_after_the_last_one():
    made = scaffold(COURSE, NEW, "The mean of a Gaussian")
    course = parse_manifest(COURSE.root, made.manifest)
    assert [s.id for s in course.stages] == [*(s.id for s in COURSE.stages), NEW]
    stage = course.stage(NEW)
    assert stage.number == len(COURSE.stages) + 1 and stage.points == 10 and stage.hints
    names = {path.relative_to(ROOT).as_posix() for path in made.files}
    assert names == {f"solutions/{NEW}.py", f"exercises/{NEW}.py", f"exercises/test_{NEW}.py",
                     f"autograder/test_{NEW}.py", f"docs/stages/{NEW}.md",
                     f"docs/{concept_slug(NEW)}"}
    solution = made.files[course.solutions_dir / f"{NEW}.py"]
    assert "### BEGIN SOLUTION" in solution and "### END SOLUTION" in solution
    hidden = made.files[course.hidden_tests_dir / f"test_{NEW}.py"]
    assert "def test_" in hidden and "(student, " in hidden
    points = [int(n) for n in re.findall(r"@pytest.mark.points\((\d+)\)", hidden)]
    assert sum(points) == stage.points
    for path, text in made.files.items():
        if path.suffix == ".py":
            compile(text, str(path), "exec")
    assert stage.page in stage_pages(course) and stage.concept in concept_pages(course)
    # everything that was in course.toml is still there, word for word: the entry is only added
    before = (ROOT / "course.toml").read_text().splitlines()
    after = made.manifest.splitlines()
    edits = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    assert {tag for tag, *_ in edits} <= {"equal", "insert"}


def test_an_entry_goes_after_the_last_stage_even_when_other_tables_follow():
    text = '[course]\ntitle = "x"\n\n[[stages]]\nid = "a"\n\n[generated]\nnbgrader = "n"\n'
    placed = with_stage(text, '\n[[stages]]\nid = "b"\n')
    assert placed.index('id = "b"') < placed.index("[generated]")
    assert placed.index('id = "a"') < placed.index('id = "b"')


@pytest.mark.parametrize(("stage_id", "concept", "says"), [
    ("stage1_mle_coin", None, "already has a stage"),
    ("7th-stage", None, "cannot be a stage id"),
    ("test_stage7", None, "cannot be a stage id"),
    (NEW, "no-such-page.md", "no concept page"),
])
def test_what_is_in_the_way_is_said(stage_id, concept, says):
    with pytest.raises(ScaffoldError, match=says):
        scaffold(COURSE, stage_id, "A title", concept)


def test_an_existing_file_is_never_overwritten(tmp_path):
    course_root = copy_course(tmp_path / "course", ("course.toml", "solutions", "docs"))
    (course_root / "solutions" / f"{NEW}.py").write_text("# mine\n")
    done = mapcourse(course_root, "new-stage", NEW, "--title", "x")
    assert done.returncode == 2 and f"solutions/{NEW}.py exists already" in done.stderr
    assert (course_root / "solutions" / f"{NEW}.py").read_text() == "# mine\n"
    assert NEW not in (course_root / "course.toml").read_text()


@pytest.mark.slow
def test_the_scaffold_grades_zero_as_a_stub_and_full_marks_once_solved(tmp_path):
    parts = ("course.toml", "pyproject.toml", "solutions", "exercises", "autograder", "docs")
    course_root = copy_course(tmp_path / "course", parts)
    done = mapcourse(course_root, "new-stage", NEW, "--title", "The mean of a Gaussian")
    assert done.returncode == 0, done.stderr
    course = load_course(course_root)
    assert find_leaks(course, course.exercises_dir) == []
    for name, folder in (("stub", course.exercises_dir), ("solved", course.solutions_dir)):
        (tmp_path / "class" / name).mkdir(parents=True)
        shutil.copy(folder / f"{NEW}.py", tmp_path / "class" / name)
    graded = mapcourse(course_root, "grade", str(tmp_path / "class"), "--format", "json")
    assert graded.returncode == 0, graded.stderr
    stages = {s["id"]: {stage["stage"]: stage for stage in s["stages"]}
              for s in json.loads(graded.stdout)["submissions"]}
    assert stages["stub"][NEW]["score"] == 0 and stages["stub"][NEW]["status"] == "graded"
    assert all(test["score"] == 0 for test in stages["stub"][NEW]["tests"])
    assert stages["solved"][NEW]["score"] == stages["solved"][NEW]["max_score"] == 10
    assert len(stages["solved"][NEW]["tests"]) == 3
