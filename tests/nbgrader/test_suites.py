"""Cutting the hidden suites into test groups: each group carries exactly what it needs."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis.internal.reflection import function_digest

from mapcourse.manifest import load_course
from mapcourse.nbgrader.cells import define
from mapcourse.nbgrader.notebook import source_literal
from mapcourse.nbgrader.suites import SuiteError, read_suite, stage_groups

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


def test_a_fixture_a_notebook_cannot_provide_is_refused(tmp_path):
    source = "import pytest\n\n\n@pytest.mark.points(1)\ndef test_x(student, tmp_path):\n    pass\n"
    with pytest.raises(SuiteError, match="tmp_path"):
        read_suite(write(tmp_path, source))


def test_nbgrader_markers_in_a_suite_are_refused(tmp_path):
    with pytest.raises(SuiteError, match="BEGIN SOLUTION"):
        read_suite(write(tmp_path, SUITE + "# ### BEGIN SOLUTION\n"))


@pytest.mark.parametrize("stage", COURSE.stages, ids=[stage.id for stage in COURSE.stages])
def test_hypothesis_sees_the_same_test_in_a_cell_as_under_pytest(stage):
    spec = importlib.util.spec_from_file_location(f"suite_{stage.id}", COURSE.hidden_suite(stage))
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    for group in stage_groups(COURSE, stage):
        in_cell = define(stage.id, group.name, group.source)
        if hasattr(in_cell, "hypothesis"):
            assert function_digest(in_cell.hypothesis.inner_test) == function_digest(
                getattr(suite, group.name).hypothesis.inner_test), group.name


@pytest.mark.parametrize("text", ["plain", "has '''triple''' quotes", 'has """ both \'\'\'',
                                  "ends in a backslash \\", "raw \\n escapes"])
def test_the_source_literal_reads_back_exactly(text):
    import ast

    assert ast.literal_eval(source_literal(text)) == "\n" + text
