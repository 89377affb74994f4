"""The real nbgrader on the generated course: same points as `mapcourse grade`, no leaks.

Generate the course, `nbgrader generate_assignment` every stage, hand in submissions
from the corpus (each stage file pasted into the first answer cell of its notebook),
`nbgrader autograde`, and compare each stage's autograded score in the gradebook with
the stage's score from the grader on the same files. Then `nbgrader generate_feedback`
and look for hidden test lines in the feedback.
"""

from __future__ import annotations

import ast
import filecmp
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from mapcourse.grading.runner import grade_submission
from mapcourse.manifest import load_course
from mapcourse.nbgrader.feedback import copy_mathjax
from mapcourse.nbgrader.suites import stage_groups
from mapcourse.sandbox.session import LocalRuntime
from tests import corpus
from tests.nbgrader import driver

pytestmark = pytest.mark.slow

COURSE = load_course()
WRONG = ("binomial_coefficient", "map_tie_goes_to_the_last_candidate",
         "soft_threshold_loses_the_sign")
CORRECT = ("validation_helpers_module",)  # stages 4 and 6 import a helper module
IMPORT_ERROR = "\n\nprint(posterior_mean(1.0, 1.0, 0, 0) / 0)  # left-over check, raises\n"


def submissions(root: Path) -> dict[str, Path]:
    """The reference solutions (every stage), and corpus cases with the stages they change."""
    reference = _copy_solutions(root / "reference")
    chosen = [case for case in corpus.cases() if case.name in WRONG + CORRECT]
    assert {case.name for case in chosen} == set(WRONG + CORRECT), "corpus cases renamed?"
    built = {"reference": reference}
    for case in chosen:
        folder = corpus.build(case, root)
        for stage in COURSE.stages:  # hand in only the stages the case changes
            path = folder / stage.filename
            if filecmp.cmp(path, reference / stage.filename, shallow=False):
                path.unlink()
        built[case.id] = folder
    broken = root / "import-error"
    broken.mkdir()
    stage6 = COURSE.stage("stage6_beta_bayes").filename
    (broken / stage6).write_text((reference / stage6).read_text() + IMPORT_ERROR)
    built["import-error"] = broken
    return built


def _copy_solutions(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for stage in COURSE.stages:
        (folder / stage.filename).write_text((COURSE.solutions_dir / stage.filename).read_text())
    return folder


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """The course folder after generate_assignment, autograde and generate_feedback."""
    root = tmp_path_factory.mktemp("nbgrader-e2e")
    course_dir = root / "course"
    course_dir.mkdir()
    folders = submissions(root / "submissions")
    driver.make_course(COURSE, course_dir)
    copy_mathjax(COURSE.root, course_dir)
    handed_in = {student: driver.submit(COURSE, course_dir, student, folder)
                 for student, folder in folders.items()}
    (course_dir / "autograde.log").write_text(driver.nbgrader(course_dir, "autograde", "*"))
    driver.nbgrader(course_dir, "generate_feedback", "*")
    return course_dir, folders, handed_in


def test_nbgrader_gives_every_stage_the_score_mapcourse_grade_gives(graded_course):
    course_dir, folders, handed_in = graded_course
    in_gradebook = driver.autograded_scores(course_dir)
    for student, folder in folders.items():
        result = grade_submission(COURSE, folder, LocalRuntime(), submission_id=student)
        for stage_id in handed_in[student]:
            assert in_gradebook[student, stage_id] == result.stage(stage_id).score, \
                f"{student} {stage_id}"
    assert all(in_gradebook["reference", stage.id] == stage.points for stage in COURSE.stages)
    for case in corpus.cases("wrong"):
        for stage_id in set(case.loses) & set(handed_in.get(case.id, ())):
            assert in_gradebook[case.id, stage_id] < COURSE.stage(stage_id).points
    assert in_gradebook["import-error", "stage6_beta_bayes"] == 0


def test_test_cells_write_nothing_to_stderr(graded_course):
    course_dir, _, _ = graded_course
    for notebook_path in (course_dir / "autograded" / "reference").glob("*/*.ipynb"):
        notebook = nbformat.read(notebook_path, as_version=4)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
                assert cell.outputs == [], f"{notebook_path.name} {cell.id}: {cell.outputs}"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(page: Path) -> str:
    parser = _Text()
    parser.feed(page.read_text())
    return html.unescape("".join(parser.parts))


def hidden_lines() -> set[str]:
    """The lines of the hidden suites' test functions that a student never writes (not in
    a solution), long enough to prove a leak."""
    lines = set()
    for stage in COURSE.stages:
        suite = COURSE.hidden_suite(stage).read_text().splitlines()
        for node in ast.parse("\n".join(suite)).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                lines |= {line.strip() for line in suite[node.body[0].lineno - 1:node.end_lineno]
                          if len(line.strip()) > 20}
        lines -= {line.strip() for line in
                  (COURSE.solutions_dir / stage.filename).read_text().splitlines()}
    return lines


def test_feedback_never_shows_a_hidden_test_line(graded_course):
    course_dir, _, handed_in = graded_course
    secret = hidden_lines()
    assert len(secret) > 100  # the check has something to find
    pages = sorted((course_dir / "feedback").glob("*/*/*.html"))
    assert len(pages) == sum(len(stages) for stages in handed_in.values())
    for page in pages:
        text = visible_text(page)
        assert "# Hidden tests:" in text  # the test cells are there, their code is not
        leaked = secret & {line.strip() for line in text.splitlines()}
        assert not leaked, f"{page}: {sorted(leaked)[:3]}"
    for notebook in (course_dir / "autograded").glob("*/*/*.ipynb"):
        assert not secret & {line.strip() for line in notebook.read_text().splitlines()}


def test_autograde_logs_no_checksum_warning(graded_course):
    """nbgrader #1961: the released test cells are the cells nbgrader stored."""
    course_dir, _, _ = graded_course
    assert "checksum" not in (course_dir / "autograde.log").read_text().lower()


def test_feedback_names_each_test_wraps_messages_and_typesets_offline(graded_course):
    course_dir, _, _ = graded_course
    stage = "stage1_mle_coin"
    page = course_dir / "feedback" / f"wrong-{WRONG[0]}" / stage / f"{stage}.html"
    text = page.read_text()
    contents = re.findall(r'<li><a href="#([^"]+)">([^<]*)</a>', text)
    groups = [group.readable for group in stage_groups(COURSE, COURSE.stage(stage))]
    assert [title for _, title in contents] == groups  # in order, none called "Test cell"
    assert "white-space: pre-wrap" in text
    assert re.search(r'<script[^>]* src="\.\./\.\./\.\./mathjax/tex-svg\.js"', text)
    assert (course_dir / "mathjax" / "tex-svg.js").is_file()
    assert "cdnjs.cloudflare.com" not in text
    assert "returned" in visible_text(page)  # a failure message, shown in the page
