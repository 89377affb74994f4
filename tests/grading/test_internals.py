"""pytest's and hypothesis' internals behind one door: the public road grades alike.

`mapcourse.grading.internals` checks at import that every private piece the fast path
uses is there. These tests say that it is here (so the fast path is what grading runs),
that a missing piece turns it off, and that the public road it falls back to (a
`pytest.main` per stage, hypothesis drawing its own examples) gives every group of a
correct, a wrong and a broken submission the same status, score and message.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mapcourse.grading import internals
from mapcourse.grading.runner import grade_submission, record_examples
from mapcourse.grading.suites import HiddenSuites
from mapcourse.manifest import load_course
from mapcourse.sandbox.session import LocalRuntime
from mapcourse.terms import TEST_TIME_LIMIT
from tests.corpus import build, cases

COURSE = load_course()
COMPARED = ("correct-helper_module", "wrong-mle_rounded")


def test_this_pytest_and_hypothesis_have_every_internal_the_fast_path_uses():
    assert internals.missing_internals() == ""
    assert internals.FAST or os.environ.get(internals.PUBLIC_ONLY)


@pytest.mark.parametrize(("owner", "name", "missing"), [
    (pytest.Config, "_do_configure", "Config._do_configure is gone"),
    (pytest.Session, "from_config", "Session.from_config is gone"),
], ids=["pytest configures by another name", "sessions are made another way"])
def test_a_missing_pytest_internal_is_named(monkeypatch, owner, name, missing):
    monkeypatch.delattr(owner, name)
    assert internals.missing_internals() == missing


def test_a_moved_pytest_module_is_named(monkeypatch):
    import _pytest.runner

    monkeypatch.delattr(_pytest.runner, "runtestprotocol")
    assert "runtestprotocol" in internals.missing_internals()


def test_the_environment_variable_turns_the_fast_path_off():
    probe = "from mapcourse.grading import internals; print(internals.FAST, internals.WHY_NOT_FAST)"
    env = os.environ | {internals.PUBLIC_ONLY: "1"}
    shown = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                           text=True, check=True).stdout
    assert shown == f"False ${internals.PUBLIC_ONLY} is set\n"


def test_off_the_fast_path_nothing_is_collected_ahead_or_recorded(monkeypatch):
    monkeypatch.setattr(internals, "FAST", False)
    with HiddenSuites(COURSE, TEST_TIME_LIMIT) as suites:
        assert suites.collected is None
    assert record_examples(COURSE) == {}


@pytest.fixture
def submissions(tmp_path):
    """A correct submission, a wrong one, and one whose stage 2 does not import."""
    by_id = {case.id: case for case in cases()}
    folders = {case_id: build(by_id[case_id], tmp_path) for case_id in COMPARED}
    broken = build(by_id["correct-helper_module"], tmp_path / "broken")
    (broken / "stage2_map_table.py").write_text("def posterior_table(:\n")
    return folders | {"stage 2 does not import": broken}


@pytest.mark.slow
def test_the_public_road_grades_like_the_fast_path(submissions, monkeypatch):
    examples = record_examples(COURSE)
    assert examples
    with HiddenSuites(COURSE, TEST_TIME_LIMIT, examples) as suites:
        assert suites.collected is not None
        fast = {name: grade_submission(COURSE, folder, LocalRuntime(), suites=suites)
                for name, folder in submissions.items()}
    monkeypatch.setattr(internals, "FAST", False)
    with HiddenSuites(COURSE, TEST_TIME_LIMIT, examples) as suites:
        assert suites.collected is None
        public = {name: grade_submission(COURSE, folder, LocalRuntime(), suites=suites)
                  for name, folder in submissions.items()}
    for name in submissions:
        assert public[name].to_json() == fast[name].to_json(), name
    scores = {name: result.score for name, result in fast.items()}
    assert scores["correct-helper_module"] == COURSE.max_score
    assert max(scores.values()) > scores["wrong-mle_rounded"]
    assert fast["stage 2 does not import"].stage("stage2_map_table").status == "import-error"
