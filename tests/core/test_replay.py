"""Replayed examples grade exactly as hypothesis does (see mapcourse.grading.replay).

Every corpus case's changed stages are graded twice in this process, once with
hypothesis drawing the examples and once replaying the examples recorded on the
reference solutions: every group must get the same status, score and message.
"""

from __future__ import annotations

import ast

import pytest

from mapcourse.grading.runner import record_examples, run_hidden_suites, score_groups
from mapcourse.manifest import load_course
from mapcourse.sandbox.session import LocalRuntime
from mapcourse.terms import TEST_TIME_LIMIT
from tests.corpus import build, cases

COURSE = load_course()
STAGES = [stage.id for stage in COURSE.stages]


@pytest.fixture(scope="module")
def examples() -> dict:
    return record_examples(COURSE)


def property_tests() -> set[str]:
    """Hidden tests decorated with @given that do not call assume(), read from the source."""
    found = set()
    for stage in COURSE.stages:
        suite = COURSE.hidden_suite(stage)
        source = suite.read_text()
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", "") == "given"
                    for d in node.decorator_list) and \
                    "assume(" not in ast.get_source_segment(source, node):
                found.add(f"{suite.name}::{node.name}")
    return found


def test_every_property_test_is_recorded_with_its_examples(examples):
    recorded = {nodeid.split("[")[0] for nodeid in examples}
    assert len(recorded) >= 15
    assert recorded == property_tests()
    assert all(len(drawn) >= 3 for drawn in examples.values())
    assert all(isinstance(kwargs, dict) and kwargs for drawn in examples.values()
               for kwargs in drawn)


def changed_stages(case) -> list[str]:
    named = {path.name.removesuffix(".patch.py").removesuffix(".py")
             for path in case.folder.iterdir()} | set(case.loses)
    return [stage for stage in STAGES if stage in named and stage not in case.delete]


def grade(folder, stage: str, examples) -> list[tuple]:
    session = LocalRuntime().open_stage(folder, stage)
    try:
        if session.status != "graded":
            return [(session.status, session.message)]
        outcomes = run_hidden_suites(COURSE, {stage: session}, TEST_TIME_LIMIT, examples)
    finally:
        session.close()
    return [(t.name, t.status, t.score, t.message) for t in score_groups(outcomes)]


@pytest.mark.slow
@pytest.mark.parametrize("case", cases(), ids=[case.id for case in cases()])
def test_replay_grades_like_hypothesis(case, examples, tmp_path):
    folder = build(case, tmp_path)
    for stage in changed_stages(case):
        assert grade(folder, stage, examples) == grade(folder, stage, None), stage


def test_a_wrong_answer_found_only_by_a_late_example_still_fails(examples, tmp_path):
    """A stage that is wrong only for large counts passes the first examples only."""
    folder = tmp_path / "late"
    folder.mkdir()
    source = (COURSE.solutions_dir / "stage1_mle_coin.py").read_text()
    (folder / "stage1_mle_coin.py").write_text(source + (
        "\n\n_right_mle = mle\n\n"
        "def mle(heads, tails):\n"
        "    if heads + tails > 150:\n"
        "        return 0.5\n"
        "    return _right_mle(heads, tails)\n"))
    replayed = grade(folder, "stage1_mle_coin", examples)
    assert replayed == grade(folder, "stage1_mle_coin", None)
    lost = {name for name, status, score, _ in replayed if status != "passed"}
    assert "mle is the fraction of heads" in lost
