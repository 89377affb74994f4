"""`mapcourse regenerate` rewrites every generated file and lists it; `--check` names the stale
ones and fails; the committed course is current (CI runs this check)."""

from __future__ import annotations

import pytest

from mapcourse.manifest import load_course
from mapcourse.regenerate import README_BEGIN, changes, expected_files, readme_table
from tests.authoring.conftest import ROOT, mapcourse


def test_the_committed_course_is_what_its_sources_generate_and_every_kind_is_covered():
    course = load_course(ROOT)
    expected = expected_files(course)
    assert {path for path in expected["stubs"]} == {
        course.exercises_dir / stage.filename for stage in course.stages}
    assert any(path.suffix == ".ipynb" for path in expected["nbgrader course"])
    sample = expected["examples/make_sample_class.py"]
    assert {path.parent.name for path in sample} >= {"ada", "dev"}
    assert README_BEGIN in readme_table(course)
    stale = [f"{change.kind}: {change.path.relative_to(ROOT)}"
             for change in changes(course, expected)]
    assert stale == [], "run `mapcourse regenerate` and commit the result"


@pytest.mark.slow
def test_check_names_what_is_stale_and_regenerate_fixes_and_lists_it(course_copy):
    solution = course_copy / "solutions" / "stage1_mle_coin.py"
    solution.write_text(solution.read_text() + "\n# (changed)\n")
    extra = course_copy / "examples" / "sample-class" / "ada" / "notes.py"
    extra.write_text("# not generated\n")
    notebook = course_copy / "nbgrader" / "source" / "stage2_map_table" / "stage2_map_table.ipynb"
    notebook.unlink()
    readme = course_copy / "README.md"
    readme.write_text(readme.read_text().replace("| 1 |", "| one |", 1))

    check = mapcourse(course_copy, "regenerate", "--check")
    assert check.returncode == 1
    for name in ("exercises/stage1_mle_coin.py",
                 "missing: nbgrader/source/stage2_map_table/stage2_map_table.ipynb",
                 "examples/sample-class/ada/stage1_mle_coin.py",
                 "examples/sample-class/ada/notes.py", "README.md"):
        assert name in check.stdout, (name, check.stdout)

    done = mapcourse(course_copy, "regenerate")
    assert done.returncode == 0, done.stderr
    assert "rewrote: exercises/stage1_mle_coin.py (from stubs)" in done.stdout
    assert "deleted: examples/sample-class/ada/notes.py" in done.stdout
    assert not extra.exists() and "| 1 |" in readme.read_text() and notebook.is_file()
    assert "(changed)" in (course_copy / "exercises" / "stage1_mle_coin.py").read_text()
    assert mapcourse(course_copy, "regenerate", "--check").returncode == 0
