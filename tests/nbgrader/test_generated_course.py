"""The generated nbgrader course: current, well-formed, and graded on the same points."""

from __future__ import annotations

import ast
import copy
import re

import nbformat
import pytest
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from nbgrader.utils import compute_checksum

from mapcourse.manifest import load_course
from mapcourse.nbgrader.course import course_files, stale_files
from mapcourse.nbgrader.notebook import cell_id, stage_notebook
from mapcourse.nbgrader.solution import exercise_names
from mapcourse.nbgrader.suites import group_digest, stage_groups

COURSE = load_course()
STAGES = COURSE.stages
COMMITTED = COURSE.root / "nbgrader"


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


def release(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What `nbgrader generate_assignment` gives students: solutions and hidden tests cleared."""
    notebook = copy.deepcopy(notebook)
    notebook, resources = ClearSolutions().preprocess(notebook, {})
    notebook, _ = ClearHiddenTests().preprocess(notebook, resources)
    return notebook


@pytest.fixture(scope="module", params=STAGES, ids=[stage.id for stage in STAGES])
def stage_and_notebook(request):
    return request.param, stage_notebook(COURSE, request.param)


def test_the_committed_course_is_what_the_sources_generate():
    stale = stale_files(COURSE, COMMITTED)
    assert not stale, (f"stale nbgrader course: {[str(p) for p in stale]}; "
                       "run `mapcourse nbgrader nbgrader`")


def test_generating_twice_gives_the_same_bytes():
    assert course_files(COURSE) == course_files(COURSE)


def test_every_stage_is_an_assignment_with_one_notebook_of_its_name():
    notebooks = {str(path) for path in course_files(COURSE) if path.suffix == ".ipynb"}
    assert notebooks == {f"source/{stage.id}/{stage.id}.ipynb" for stage in STAGES}


def test_autograded_points_add_up_to_the_stage_points(stage_and_notebook):
    stage, notebook = stage_and_notebook
    tests = [nbgrader_meta(cell) for cell in notebook.cells
             if cell.cell_type == "code" and nbgrader_meta(cell).get("grade")]
    assert sum(meta["points"] for meta in tests) == stage.points


def test_derivations_are_graded_by_hand_apart_from_the_autograded_points(stage_and_notebook):
    stage, notebook = stage_and_notebook
    manual = [nbgrader_meta(cell) for cell in notebook.cells
              if cell.cell_type == "markdown" and nbgrader_meta(cell).get("grade")]
    expected = [stage.derivation_points] if stage.derivation else []
    assert [meta["points"] for meta in manual] == expected
    assert all(meta["solution"] for meta in manual)


def test_cell_ids_are_unique_valid_and_equal_to_grade_ids(stage_and_notebook):
    _, notebook = stage_and_notebook
    ids = [cell.id for cell in notebook.cells]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cell_id) for cell_id in ids)
    assert all(nbgrader_meta(cell)["grade_id"] == cell.id for cell in notebook.cells)


def test_long_test_names_get_short_distinct_ids():
    stage = STAGES[0]
    long_a, long_b = "a" * 80 + "_first", "a" * 80 + "_second"
    assert len(cell_id(stage, long_a)) == 64
    assert cell_id(stage, long_a) != cell_id(stage, long_b)


def test_the_first_answer_cell_is_the_only_code_answer_and_defines_every_function(
        stage_and_notebook):
    stage, notebook = stage_and_notebook
    answers = [cell for cell in notebook.cells if nbgrader_meta(cell).get("solution")]
    assert answers[0].cell_type == "code" and answers[0].id == cell_id(stage, "answer")
    assert all(cell.cell_type == "markdown" for cell in answers[1:])
    defined = re.findall(r"^def (\w+)\(", answers[0].source, re.MULTILINE)
    assert defined == list(exercise_names(COURSE.solutions_dir / stage.filename))


def test_students_get_stubs_with_hints_and_no_hidden_test(stage_and_notebook):
    stage, notebook = stage_and_notebook
    released = release(notebook)
    answer = next(cell for cell in released.cells if cell.id == cell_id(stage, "answer"))
    names = exercise_names(COURSE.solutions_dir / stage.filename)
    assert answer.source.count("raise NotImplementedError()") == len(names)
    assert answer.source.count("# Hint:") == len(names)
    for cell in released.cells:
        assert "HIDDEN TESTS" not in cell.source and "SOLUTION" not in cell.source


def test_each_test_function_has_a_cell_that_calls_it_and_no_line_of_its_code(
        stage_and_notebook):
    stage, notebook = stage_and_notebook
    groups = stage_groups(COURSE, stage)
    calls = [cell.source for cell in notebook.cells if nbgrader_meta(cell).get("grade")
             and cell.cell_type == "code"]
    assert len(calls) == len(groups)
    for group, source in zip(groups, calls, strict=True):
        assert f"{group.name!r}," in source and f"{group_digest(group)!r}," in source
    suite = COURSE.hidden_suite(stage).read_text().splitlines()
    tests = [node for node in ast.parse("\n".join(suite)).body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    suite_lines = {line.strip() for test in tests
                   for line in suite[test.body[0].lineno - 1:test.end_lineno]
                   if len(line.strip()) > 20}
    suite_lines -= {line.strip() for line in  # code a solution shares: `if heads + tails == 0:`
                    (COURSE.solutions_dir / stage.filename).read_text().splitlines()}
    assert suite_lines
    in_notebook = {line.strip() for cell in notebook.cells for line in cell.source.splitlines()}
    assert not suite_lines & in_notebook


def test_released_test_cells_keep_the_source_checksum(stage_and_notebook):
    """nbgrader #1961: a cell whose hidden tests are cleared on release no longer matches
    the checksum stored from the source, and autograde warns about every such cell."""
    _, notebook = stage_and_notebook
    source = {cell.id: compute_checksum(cell) for cell in notebook.cells
              if nbgrader_meta(cell).get("grade")}
    released = {cell.id: compute_checksum(cell) for cell in release(notebook).cells
                if nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("solution")}
    assert released and all(source[cell_id] == released[cell_id] for cell_id in released)


@pytest.mark.parametrize("page", ["feedback", "formgrade"])
def test_the_pages_mathjax_knows_the_textbooks_macros(page):
    from mapcourse.nbgrader.feedback import TEMPLATES

    katex = (COURSE.root / "docs" / "javascripts" / "katex.js").read_text()
    macros = re.findall(r'"\\\\(\w+)": "([^"]+)"', katex)  # "\\argmin": "\\operatorname..."
    template = (TEMPLATES / page / "mathjax.html.j2").read_text()
    assert macros
    for name, value in macros:
        assert f'{name}: "{value}"' in template, name
