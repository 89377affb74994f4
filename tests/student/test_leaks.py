"""No answer reaches students: the release holds no solution line, no hidden test name,
no region marker and no instructor path.

The rule for solution lines (see `mapcourse.release.leaks`): every stripped line inside
a solution region, except blank lines, the region's `# Hint:` line (published as the
stub's message), lines that also occur outside the regions (given code, kept in the
stubs) and lines shorter than 20 characters (`return model`, `loss.backward()`), idioms
that give nothing away and that a visible test may need.
"""

from __future__ import annotations

import ast
import shutil

import pytest

from mapcourse.manifest import load_course
from mapcourse.release import ReleaseError, build_release
from mapcourse.release.leaks import MIN_CHARS, find_leaks, hidden_test_names, solution_lines
from mapcourse.stubs import BEGIN, END, HINT
from tests.student.conftest import ROOT, TEXTBOOK


def test_the_release_leaks_nothing(built_release, course):
    assert find_leaks(course, built_release) == []


def test_every_substantial_line_of_every_solution_region_is_searched(course):
    searched = {secret.text for secret in solution_lines(course)}
    given = set().union(*(_given((course.solutions_dir / stage.filename).read_text())
                          for stage in course.stages))
    for stage in course.stages:
        text = (course.solutions_dir / stage.filename).read_text()
        regions = [part.split(END)[0] for part in text.split(BEGIN)[1:]]
        assert regions, f"{stage.filename} has no solution region"
        for region in regions:
            lines = [line.strip() for line in region.splitlines()]
            substantial = [line for line in lines if len(line) >= MIN_CHARS
                           and not line.startswith(HINT) and line not in given]
            assert substantial, f"a region of {stage.filename} has nothing to search for"
            assert set(substantial) <= searched


def _given(solution: str) -> set[str]:
    """The stripped lines of a solution file outside its regions."""
    outside, inside = set(), False
    for line in solution.splitlines():
        inside = line.strip() == BEGIN or (inside and line.strip() != END)
        if not inside and line.strip() != END:
            outside.add(line.strip())
    return outside


def test_every_hidden_test_name_is_searched(course):
    names = {node.name for path in course.hidden_tests_dir.glob("test_*.py")
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert names, "no hidden suite found"
    assert names <= {secret.text for secret in hidden_test_names(course)}


def planted(release, course, relative: str, text: str) -> list[str]:
    path = release / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return find_leaks(course, release)


def test_a_solution_line_anywhere_in_the_release_is_a_leak(release, course):
    secret = solution_lines(course)[0]
    leaks = planted(release, course, "exercises/notes.md", f"Tip:\n    {secret.text}\n")
    assert leaks == [f"exercises/notes.md: contains {secret.text!r} ({secret.origin})"]


def test_a_hidden_test_name_is_a_leak(release, course):
    name = hidden_test_names(course)[0].text
    leaks = planted(release, course, "README.md", f"See {name} for the details.\n")
    assert len(leaks) == 1 and name in leaks[0]


@pytest.mark.parametrize("marker", ["### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"])
def test_a_region_marker_is_a_leak(release, course, marker):
    leaks = planted(release, course, "exercises/stage1_mle_coin.py", f"x = 1  {marker}\n")
    assert leaks and marker.removeprefix("### ") in leaks[0]


@pytest.mark.parametrize("relative", ["solutions/stage1_mle_coin.py", "autograder/x.txt",
                                      "src/mapcourse/__pycache__/checks.cpython-311.pyc",
                                      "exercises/stage1_mle_coin.pyc"])
def test_instructor_folders_and_compiled_files_are_leaks(release, course, relative):
    assert f"{relative}: must not be in a release" in planted(release, course, relative, "")


def test_a_release_that_would_leak_is_not_written(tmp_path):
    """A course whose visible test copies a line of the answer cannot be released."""
    copy = tmp_path / "course"
    copy.mkdir()
    for name in ("course.toml", "pyproject.toml", "solutions", "exercises", "autograder"):
        source = ROOT / name
        copier = shutil.copytree if source.is_dir() else shutil.copy
        copier(source, copy / name)
    course = load_course(copy)
    secret = solution_lines(course)[0]
    (copy / "exercises" / "test_copied_answer.py").write_text(f"# {secret.text}\n{secret.text}\n")
    with pytest.raises(ReleaseError, match="would leak") as error:
        build_release(course, tmp_path / "out", textbook=TEXTBOOK)
    assert "test_copied_answer.py" in str(error.value)
    assert not (tmp_path / "out").exists()
