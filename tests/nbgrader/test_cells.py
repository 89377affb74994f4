"""What a test cell does in the kernel: run a hidden group, quietly, and say only what failed."""

from __future__ import annotations

import os
import sys
import types
import warnings

import pytest

from mapcourse.grading.runner import grade_submission
from mapcourse.manifest import load_course
from mapcourse.nbgrader import cells
from mapcourse.nbgrader.cells import GroupFailed, run_group
from mapcourse.nbgrader.notebook import cell_id, stage_notebook
from mapcourse.nbgrader.suites import group_digest, stage_groups
from mapcourse.sandbox.session import LocalRuntime
from tests import corpus

COURSE = load_course()
STAGE = "stage1_mle_coin"
GROUP = "test_mle_is_the_fraction_of_heads"  # a property test (@given)
PARAMETRIZED = "test_log_likelihood_is_the_sum_of_log_probabilities"  # six parametrized cases


def reference_namespace() -> dict:
    namespace: dict = {}
    exec(compile((COURSE.solutions_dir / f"{STAGE}.py").read_text(), STAGE, "exec"),  # noqa: S102
         namespace)
    return namespace


def run(namespace: dict, test: str = GROUP, digest: str | None = None) -> None:
    run_group(namespace, STAGE, test, digest)


@pytest.fixture(autouse=True)
def fresh_answers(monkeypatch):
    monkeypatch.setattr(cells, "_FAILED_ANSWERS", {})


def test_a_right_answer_passes_silently(capfd):
    run(reference_namespace())
    assert capfd.readouterr() == ("", "")


def test_a_wrong_answer_fails_with_the_students_message_alone():
    namespace = reference_namespace()
    namespace["mle"] = lambda heads, tails: round(heads / (heads + tails), 1)
    with pytest.raises(GroupFailed) as failure:
        run(namespace)
    (line,) = failure.value._render_traceback_()
    assert line.startswith("failed: mle(") and "def test_" not in line


def test_a_missing_function_is_named():
    namespace = reference_namespace()
    del namespace["mle"]
    with pytest.raises(GroupFailed, match="does not define mle"):
        run(namespace)


def test_warnings_and_prints_of_student_code_reach_neither_stdout_nor_stderr(capfd):
    namespace = reference_namespace()
    right = namespace["mle"]

    def mle(heads, tails):
        warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
        print("debugging", heads, file=sys.stderr)
        os.write(2, b"written by C code\n")
        return right(heads, tails)

    namespace["mle"] = mle
    run(namespace)
    assert capfd.readouterr() == ("", "")


def test_a_call_that_never_returns_is_stopped(monkeypatch):
    monkeypatch.setattr(cells, "grading_time_limit", lambda: 0.2)
    namespace = reference_namespace()

    def mle(heads, tails):
        while True:
            pass

    namespace["mle"] = mle
    with pytest.raises(GroupFailed) as failure:
        run(namespace)
    assert failure.value.status == "timeout"


def test_the_cases_are_pytests_own_expansion_and_all_run_after_a_failure():
    namespace = reference_namespace()
    calls = []

    def log_likelihood(theta, heads, tails):
        calls.append((theta, heads, tails))
        return 1.0

    namespace["log_likelihood"] = log_likelihood
    with pytest.raises(GroupFailed, match=r"log_likelihood\(0.5, 3, 1\)"):
        run(namespace, test=PARAMETRIZED)
    assert calls[0] == (0.5, 3, 1) and len(calls) == 6  # in the suite's order, every case


def test_a_digest_that_no_longer_matches_the_suite_is_refused():
    group = next(g for g in stage_groups(COURSE, COURSE.stage(STAGE)) if g.name == GROUP)
    run(reference_namespace(), digest=group_digest(group))
    with pytest.raises(GroupFailed, match="changed after this notebook was generated") as failure:
        run(reference_namespace(), digest="0" * 12)
    assert failure.value.status == "error"


def test_an_unknown_group_is_an_error_not_a_pass():
    with pytest.raises(GroupFailed, match="no hidden test test_gone"):
        run(reference_namespace(), test="test_gone")


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
        run(reference_namespace())
    last_cell(monkeypatch, "run_group(...)", None)  # the next test cell keeps the verdict
    with pytest.raises(GroupFailed, match="stopped with ValueError"):
        run(reference_namespace())


def test_an_answer_cell_with_a_syntax_error_says_so(monkeypatch):
    error = SyntaxError("invalid syntax")
    error.lineno = 3
    last_cell(monkeypatch, "def mle(heads, tails):\n    return (\n", None, error)
    with pytest.raises(GroupFailed, match=r"SyntaxError: invalid syntax \(line 3\)"):
        run(reference_namespace())


def test_an_error_in_a_scratch_cell_does_not_count(monkeypatch):
    last_cell(monkeypatch, "mle(0, 0)\n", ValueError("no flips"))
    run(reference_namespace())


def notebook_score(stage_id: str, module_source: str) -> float:
    """Run a stage's notebook in order, in this process, as `nbgrader autograde` does, with
    `module_source` pasted into the first answer cell; the points of the test cells that pass."""
    stage = COURSE.stage(stage_id)
    namespace: dict = {}
    earned = 0.0
    for cell in stage_notebook(COURSE, stage).cells:
        if cell.cell_type != "code":
            continue
        source = module_source if cell.id == cell_id(stage, "answer") else cell.source
        try:
            exec(compile(source, cell.id, "exec"), namespace)  # noqa: S102
        except GroupFailed:
            continue
        earned += cell.metadata["nbgrader"].get("points", 0)
    return earned


def test_outside_autograde_a_test_cell_does_nothing(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert notebook_score(STAGE, "") == COURSE.stage(STAGE).points  # nothing ran, nothing failed
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    assert notebook_score(STAGE, "") == COURSE.stage(STAGE).points


@pytest.mark.parametrize("case", ["mle_rounded", "grid_mle_ties_to_the_largest_theta"])
def test_a_pasted_module_scores_what_mapcourse_grade_gives_it(tmp_path, monkeypatch, case):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    built = corpus.build(next(c for c in corpus.cases("wrong") if c.name == case), tmp_path)
    for path in built.iterdir():
        if path.name != f"{STAGE}.py":
            path.unlink()
    graded = grade_submission(COURSE, built, LocalRuntime()).stage(STAGE).score
    assert graded < 10
    assert notebook_score(STAGE, (built / f"{STAGE}.py").read_text()) == graded
