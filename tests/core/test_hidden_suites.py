"""Suites collected once grade every submission as pytest's own protocol does.

A grading worker keeps one collected pytest session for all its submissions and calls
plain tests directly (`mapcourse.grading.suites.HiddenSuites`). These tests grade a
sequence of right and wrong submissions through one such session and compare every
group, status and message with a fresh session per submission that runs every test
through pytest's per-test protocol.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys

import pytest

from mapcourse.grading.plugin import direct_arguments
from mapcourse.grading.runner import grade_submission, record_examples, score_groups
from mapcourse.grading.suites import HiddenSuites
from mapcourse.manifest import load_course
from mapcourse.sandbox.session import LocalRuntime
from mapcourse.terms import TEST_TIME_LIMIT
from tests.corpus import build, cases

COURSE = load_course()
SEQUENCE = ("correct-helper_module", "wrong-beta_map_returns_the_mean",
            "wrong-lasso_with_half_lambda", "wrong-train_uses_adam_for_adamw",
            "wrong-mle_rounded", "correct-helper_module")


class Bystander:
    """A plugin with no hooks of its own: with any other plugin, every test takes
    pytest's protocol."""


@pytest.fixture(scope="module")
def examples() -> dict:
    return record_examples(COURSE)


def by_protocol(course, folder, examples):
    with HiddenSuites(course, TEST_TIME_LIMIT, examples, [Bystander()]) as suites:
        assert all(suites._direct[item.nodeid] is None for item in suites.session.items)
        return grade_submission(course, folder, LocalRuntime(), suites=suites)


def test_one_session_grades_a_sequence_like_a_fresh_protocol_run_each(examples, tmp_path):
    by_id = {case.id: case for case in cases()}
    folders = {case_id: build(by_id[case_id], tmp_path) for case_id in set(SEQUENCE)}
    with HiddenSuites(COURSE, TEST_TIME_LIMIT, examples) as suites:
        assert all(suites._direct[item.nodeid] is not None for item in suites.session.items)
        direct = [grade_submission(COURSE, folders[case_id], LocalRuntime(), suites=suites)
                  for case_id in SEQUENCE]
    for case_id, result in zip(SEQUENCE, direct, strict=True):
        assert result == by_protocol(COURSE, folders[case_id], examples), case_id
        lost = {stage.stage for stage in result.stages if stage.score < stage.max_score}
        assert lost == set(by_id[case_id].loses), case_id
    assert direct[0] == direct[-1]


def test_hypothesis_draws_alike_inside_and_outside_pytests_protocol(tmp_path):
    """Without recorded examples, a property test called directly runs hypothesis itself."""
    wrong = build(next(case for case in cases() if case.name == "mle_rounded"), tmp_path)
    stage1 = dataclasses.replace(COURSE, stages=(COURSE.stage("stage1_mle_coin"),))
    with HiddenSuites(stage1, TEST_TIME_LIMIT) as suites:
        for folder in (wrong, COURSE.solutions_dir, wrong):
            direct = grade_submission(stage1, folder, LocalRuntime(), suites=suites)
            assert direct == by_protocol(stage1, folder, None)
    assert direct.score < direct.max_score


@pytest.fixture
def stage1_suite_unloaded():
    """pytest imports a suite once per process, under its file's name: this test loads
    its own copy under that name, and the real one is back afterwards."""
    saved = sys.modules.pop("test_stage1_mle_coin", None)
    yield
    sys.modules.pop("test_stage1_mle_coin", None)
    if saved is not None:
        sys.modules["test_stage1_mle_coin"] = saved


@pytest.mark.usefixtures("stage1_suite_unloaded")
def test_a_test_that_needs_more_of_pytest_takes_its_protocol(examples, tmp_path):
    """A test with another fixture, or a skip mark, is run by pytest, and grades alike."""
    suites_dir = tmp_path / "autograder"
    shutil.copytree(COURSE.hidden_tests_dir, suites_dir,
                    ignore=shutil.ignore_patterns("__pycache__"))
    suite = suites_dir / "test_stage1_mle_coin.py"
    source = suite.read_text()
    source = source.replace("def test_mle_is_the_fraction_of_heads(student,",
                            "def test_mle_is_the_fraction_of_heads(tmp_path, student,", 1)
    source = source.replace("def test_log_likelihood",
                            "@pytest.mark.skipif(False, reason='never')\n"
                            "def test_log_likelihood", 1)
    assert source != suite.read_text()
    suite.write_text(source)
    course = dataclasses.replace(COURSE, hidden_tests_dir=suites_dir)
    wrong = build(next(case for case in cases() if case.name == "mle_rounded"), tmp_path)
    for folder, full in ((COURSE.solutions_dir, True), (wrong, False)):
        with HiddenSuites(course, TEST_TIME_LIMIT, examples) as suites:
            taken = {item.originalname for item in suites.session.items
                     if direct_arguments(item) is None}
            result = grade_submission(course, folder, LocalRuntime(), suites=suites)
        assert "test_mle_is_the_fraction_of_heads" in taken
        assert any(name.startswith("test_log_likelihood") for name in taken)
        assert result == grade_submission(COURSE, folder, LocalRuntime(), examples=examples)
        stage = result.stage("stage1_mle_coin")
        assert (stage.score == stage.max_score) is full


def test_a_group_stops_at_its_first_timeout_and_grades_alike(tmp_path):
    """A lasso that never returns costs one time limit per group, and the same result."""
    (tmp_path / "stage4_laplace_l1.py").write_text(
        (COURSE.solutions_dir / "stage4_laplace_l1.py").read_text()
        + "\n\ndef map_lasso(X, y, lam):\n    while True:\n        pass\n")
    stage4 = dataclasses.replace(COURSE, stages=(COURSE.stage("stage4_laplace_l1"),))

    def grade(plugins):
        session = LocalRuntime().open_stage(tmp_path, "stage4_laplace_l1")
        try:
            with HiddenSuites(stage4, 0.2, None, plugins) as suites:
                outcomes = suites.run({"stage4_laplace_l1": session})
        finally:
            session.close()
        return outcomes, score_groups(outcomes)

    outcomes, groups = grade(())
    every_case, same_groups = grade([Bystander()])
    timeouts = [outcome.group for outcome in outcomes if outcome.status == "timeout"]
    assert groups == same_groups
    assert len(timeouts) == len(set(timeouts)) >= 3  # one per group that calls map_lasso
    assert sum(outcome.status == "timeout" for outcome in every_case) > len(timeouts)
    assert {test.status for test in groups} == {"timeout", "passed"}
