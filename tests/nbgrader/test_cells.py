"""What a hidden test cell does in the kernel: run a group, quietly, and say only what failed."""

from __future__ import annotations

import os
import sys
import types
import warnings

import pytest

from mapcourse.grading.runner import grade_submission
from mapcourse.manifest import load_course
from mapcourse.nbgrader import cells
from mapcourse.nbgrader.cells import GroupFailed, cases, run_group
from mapcourse.nbgrader.notebook import cell_id, stage_notebook
from mapcourse.sandbox.session import LocalRuntime
from tests import corpus

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")

DOUBLING = '''
import pytest

from mapcourse.checks import expect_close

SECRET_HIDDEN_LINE = "never shown to a student"


@pytest.mark.points(1)
@pytest.mark.parametrize("x", [1, 2, 3])
def test_double_doubles(student, x):
    expect_close(student.double(x), 2 * x, call=f"double({x})", concept="Double it.")
'''


def run(namespace: dict) -> None:
    run_group(namespace, "stage1_mle_coin", "test_double_doubles", DOUBLING)


@pytest.fixture(autouse=True)
def fresh_answers(monkeypatch):
    monkeypatch.setattr(cells, "_FAILED_ANSWERS", {})


def test_a_right_answer_passes_silently(capfd):
    run({"double": lambda x: 2 * x})
    assert capfd.readouterr() == ("", "")


def test_a_wrong_answer_fails_with_the_students_message_alone():
    with pytest.raises(GroupFailed) as failure:
        run({"double": lambda x: x + 1 if x > 1 else 2 * x})
    assert failure.value._render_traceback_() == [
        "failed: double(2) returned 3.0; expected 4. Double it."]


def test_a_missing_function_is_named():
    with pytest.raises(GroupFailed, match="does not define double"):
        run({})


def test_warnings_and_prints_of_student_code_reach_neither_stdout_nor_stderr(capfd):
    def double(x):
        warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
        print("debugging", x, file=sys.stderr)
        os.write(2, b"written by C code\n")
        return 2 * x

    run({"double": double})
    assert capfd.readouterr() == ("", "")


def test_a_call_that_never_returns_is_stopped(monkeypatch):
    monkeypatch.setattr(cells, "grading_time_limit", lambda: 0.2)

    def double(x):
        while True:
            pass

    with pytest.raises(GroupFailed) as failure:
        run({"double": double})
    assert failure.value.status == "timeout"


def test_every_case_runs_even_after_a_failure():
    calls = []

    def double(x):
        calls.append(x)
        return 0.0

    with pytest.raises(GroupFailed, match=r"double\(1\)"):
        run({"double": double})
    assert calls == [1, 2, 3]


def test_cases_follow_pytest_order_and_unwrap_params():
    @pytest.mark.parametrize("b", [pytest.param(10, id="ten"), 20])
    @pytest.mark.parametrize(("a", "c"), [(1, 2), (3, 4)])
    def test(student, a, b, c):
        pass

    assert list(cases(test)) == [{"a": 1, "c": 2, "b": 10}, {"a": 1, "c": 2, "b": 20},
                                 {"a": 3, "c": 4, "b": 10}, {"a": 3, "c": 4, "b": 20}]


def last_cell(monkeypatch, raw_cell: str, error: BaseException | None,
              before_exec: BaseException | None = None) -> None:
    result = types.SimpleNamespace(info=types.SimpleNamespace(raw_cell=raw_cell),
                                   error_in_exec=error, error_before_exec=before_exec)
    shell = types.SimpleNamespace(last_execution_result=result)
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)


def test_an_answer_cell_that_ends_in_an_error_scores_zero_like_an_import_error(monkeypatch):
    last_cell(monkeypatch, "def mle(heads, tails):\n    return 0.5\n\nmle(0, 0)\n",
              ValueError("no flips"))
    with pytest.raises(GroupFailed, match="stopped with ValueError: no flips"):
        run({"double": lambda x: 2 * x})
    last_cell(monkeypatch, "run_group(...)", None)  # the next test cell keeps the verdict
    with pytest.raises(GroupFailed, match="stopped with ValueError"):
        run({"double": lambda x: 2 * x})


def test_an_answer_cell_with_a_syntax_error_says_so(monkeypatch):
    error = SyntaxError("invalid syntax")
    error.lineno = 3
    last_cell(monkeypatch, "def mle(heads, tails):\n    return (\n", None, error)
    with pytest.raises(GroupFailed, match=r"SyntaxError: invalid syntax \(line 3\)"):
        run({"double": lambda x: 2 * x})


def test_an_error_in_a_scratch_cell_does_not_count(monkeypatch):
    last_cell(monkeypatch, "mle(0, 0)\n", ValueError("no flips"))
    run({"double": lambda x: 2 * x})


def notebook_score(stage_id: str, module_source: str) -> float:
    """Run a stage's notebook in order, in this process, with `module_source` pasted into
    the first answer cell; the points of the test cells that pass."""
    course = load_course()
    stage = course.stage(stage_id)
    namespace: dict = {}
    earned = 0.0
    for cell in stage_notebook(course, stage).cells:
        if cell.cell_type != "code":
            continue
        source = module_source if cell.id == cell_id(stage, "answer") else cell.source
        try:
            exec(compile(source, cell.id, "exec"), namespace)  # noqa: S102
        except GroupFailed:
            continue
        earned += cell.metadata["nbgrader"].get("points", 0)
    return earned


@pytest.mark.parametrize("case", ["mle_rounded", "grid_mle_ties_to_the_largest_theta"])
def test_a_pasted_module_scores_what_mapcourse_grade_gives_it(tmp_path, case):
    course = load_course()
    built = corpus.build(next(c for c in corpus.cases("wrong") if c.name == case), tmp_path)
    for path in built.iterdir():
        if path.name != "stage1_mle_coin.py":
            path.unlink()
    graded = grade_submission(course, built, LocalRuntime()).stage("stage1_mle_coin").score
    assert graded < 10
    assert notebook_score("stage1_mle_coin", (built / "stage1_mle_coin.py").read_text()) == graded
