"""One stage as an nbgrader source notebook, built from the solution, manifest and suite.

The cells, in order:

1. introduction (markdown, read-only): the stage's textbook page (see `intro`);
2. given code (read-only): imports, `PosteriorTable`, helpers;
3. the answer cell (autograded answer): every function of the stage, with its solution
   regions and hints. It is the notebook's first answer cell and its only code answer
   cell, so a whole stage file pasted there replaces it and no later cell can redefine
   a function with a stub;
4. one autograder test cell per test group of the hidden suite, worth the group's
   points (they add up to the stage's points, as under `mapcourse grade`): a comment
   naming the group and a call that runs it from the hidden suite when nbgrader
   autogrades (see `cells`), never the tests' code;
5. for stages with a derivation: the prompt and a manually graded markdown answer cell
   worth `derivation_points`, apart from the autograded points.

Cell ids and grade ids are the same string, made from the stage number and the part
(`stage1-answer`, `stage1-test-mle_is_the_fraction_of_heads`): unique within a notebook
and stable while the test keeps its name.
"""

from __future__ import annotations

import hashlib
import re
import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mapcourse.manifest import Course, Stage
from mapcourse.nbgrader.intro import introduction, markdown_text
from mapcourse.nbgrader.solution import SplitSolution, split_solution
from mapcourse.nbgrader.suites import TestGroup, group_digest, stage_groups

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "file_extension": ".py", "mimetype": "text/x-python",
                 "nbconvert_exporter": "python", "pygments_lexer": "ipython3",
                 "codemirror_mode": {"name": "ipython", "version": 3}}
MAX_ID = 64  # nbformat's limit on a cell id
AUTOGRADE = ("NBGRADER_EXECUTION", "autograde")  # set by nbgrader while autograding


def stage_notebook(course: Course, stage: Stage) -> nbformat.NotebookNode:
    """The source notebook of one stage."""
    solution = split_solution(course.solutions_dir / stage.filename)
    groups = stage_groups(course, stage)
    intro = introduction(course, stage, solution)
    cells = [
        _cell(stage, "intro", new_markdown_cell(intro), locked=True),
        _cell(stage, "given", new_code_cell(given_code(solution)), locked=True),
        _cell(stage, "answer", new_code_cell(answer_code(stage, solution)), solution=True),
        _cell(stage, "tests", new_markdown_cell(tests_heading(stage)), locked=True),
        *(_cell(stage, f"test-{group.name.removeprefix('test_')}",
                new_code_cell(test_code(stage, group)), locked=True, points=group.points)
          for group in groups),
    ]
    if stage.derivation:
        cells += [
            _cell(stage, "derivation-prompt", new_markdown_cell(derivation_prompt(stage)),
                  locked=True),
            _cell(stage, "derivation", new_markdown_cell("YOUR ANSWER HERE"), solution=True,
                  points=stage.derivation_points),
        ]
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nbformat.validate(notebook)
    return notebook


def cell_id(stage: Stage, part: str) -> str:
    """`stage1-answer`: a cell's id and grade id, at most 64 characters of [A-Za-z0-9_-]."""
    text = re.sub(r"[^A-Za-z0-9_-]", "-", f"stage{stage.number}-{part}")
    if len(text) > MAX_ID:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        text = f"{text[:MAX_ID - 9]}-{digest}"
    return text


def _cell(stage: Stage, part: str, cell: nbformat.NotebookNode, *, locked: bool = False,
          solution: bool = False, points: float | None = None) -> nbformat.NotebookNode:
    cell.id = cell_id(stage, part)
    metadata = {"grade": points is not None, "grade_id": cell.id, "locked": locked,
                "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        metadata["points"] = int(points) if float(points).is_integer() else points
    cell.metadata["nbgrader"] = metadata
    return cell


def given_code(solution: SplitSolution) -> str:
    return ("# Given code (read-only): the imports and helpers your functions may use.\n\n"
            + solution.given.rstrip("\n"))


def answer_code(stage: Stage, solution: SplitSolution) -> str:
    header = (f"# Your answer: write the functions below, or paste your whole {stage.filename}\n"
              "# here. The tests use what this cell defines; it must run without errors.\n")
    return header + "\n\n" + "\n\n".join(
        exercise.source.rstrip("\n") + "\n" for exercise in solution.exercises).rstrip("\n")


def tests_heading(stage: Stage) -> str:
    return (f"## Hidden tests ({stage.points} points)\n\n"
            "Each cell below is one group of hidden tests, worth its points when every case "
            "passes, as in `mapcourse grade`. They run when your notebook is graded; your "
            "feedback says what each group expected, not how it checks.")


def test_code(stage: Stage, group: TestGroup) -> str:
    """A test cell: a comment naming the group, and the call that runs it when graded.

    The same text in the source and the released notebook (no hidden region to clear),
    so nbgrader's checksums agree; the tests themselves stay in the hidden suite.
    """
    plural = "" if group.points == 1 else "s"
    title = f"Hidden tests: {group.readable} ({group.points:g} point{plural})."
    return "\n".join([
        *textwrap.wrap(title, width=98, initial_indent="# ", subsequent_indent="# "),
        "# They run when nbgrader grades your notebook; here this cell does nothing.",
        "import os",
        "",
        f"if os.environ.get({AUTOGRADE[0]!r}) == {AUTOGRADE[1]!r}:",
        "    from mapcourse.nbgrader.cells import run_group",
        "",
        "    run_group(",
        "        globals(),",
        f"        {stage.id!r},",
        f"        {group.name!r},",
        f"        {group_digest(group)!r},  # the hidden tests this notebook was made for",
        "    )",
    ])


def derivation_prompt(stage: Stage) -> str:
    return (f"## Derivation ({stage.derivation_points} points, graded by hand)\n\n"
            f"{markdown_text(stage.derivation or '')}\n\n"
            "Write it in the cell below, in Markdown, with LaTeX between `$` signs.")
