"""Cutting the hidden suites into test groups: each group carries what it needs, and a digest."""

from __future__ import annotations

import re

import pytest

from mapcourse.manifest import load_course
from mapcourse.nbgrader.suites import SuiteError, group_digest, read_suite, stage_groups

COURSE = load_course()
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")

SUITE = '''"""A suite."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

UNUSED = 1
HALF = 0.5
counts = st.integers(0, 9)
DOUBLE_HALF = 2 * HALF


def helper(x):
    return x * DOUBLE_HALF


@pytest.mark.points(2)
@pytest.mark.parametrize("x", [1, 2])
def test_uses_a_helper(student, x):
    assert helper(x) == x


@pytest.mark.points(1)
@given(n=counts)
def test_uses_a_strategy(student, n):
    assert math.isfinite(n)
'''


def write(tmp_path, text):
    path = tmp_path / "test_stage9_example.py"
    path.write_text(text)
    return path


def test_a_group_brings_the_module_code_it_needs_and_nothing_else(tmp_path):
    first, second = read_suite(write(tmp_path, SUITE))
    assert (first.name, first.points, second.points) == ("test_uses_a_helper", 2, 1)
    assert "DOUBLE_HALF = 2 * HALF" in first.source and "HALF = 0.5" in first.source
    assert "def helper(x)" in first.source and "import pytest" in first.source
    assert "UNUSED" not in first.source and "counts" not in first.source
    assert "counts = st.integers(0, 9)" in second.source and "import math" in second.source
    assert "helper" not in second.source and '"""A suite."""' not in second.source


def test_a_test_without_points_is_refused(tmp_path):
    with pytest.raises(SuiteError, match="points"):
        read_suite(write(tmp_path, "def test_x(student):\n    pass\n"))


def test_the_digest_changes_with_the_code_or_the_points(tmp_path):
    first, _ = read_suite(write(tmp_path, SUITE))
    assert group_digest(first) == group_digest(read_suite(write(tmp_path, SUITE))[0])
    assert group_digest(first) != group_digest(
        read_suite(write(tmp_path, SUITE.replace("HALF = 0.5", "HALF = 0.25")))[0])
    assert group_digest(first) != group_digest(
        read_suite(write(tmp_path, SUITE.replace("points(2)", "points(3)")))[0])
    assert re.fullmatch(r"[0-9a-f]{12}", group_digest(first))


@pytest.mark.parametrize("stage", COURSE.stages, ids=[stage.id for stage in COURSE.stages])
def test_every_hidden_suite_cuts_into_groups_worth_its_points(stage):
    groups = stage_groups(COURSE, stage)
    assert sum(group.points for group in groups) == stage.points
    assert len({group.name for group in groups}) == len(groups)
