"""An author adds a stage to a copy of the course: its files and one course.toml entry, then
`mapcourse regenerate`. Grading, the release, the nbgrader course, the site and the course's
own structural tests then take the stage in, with nothing else edited by hand."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mapcourse.manifest import load_course
from mapcourse.release.leaks import find_leaks
from mapcourse.scaffold import scaffold
from tests.authoring.conftest import COURSE_PARTS, ROOT, build_site, copy_course, mapcourse

COURSE = load_course(ROOT)
NEW = f"stage{len(COURSE.stages) + 1}_gaussian_mean"
# The copy's fast tests that read the stage list; the visible-test runs over every stage are
# left out here (the course's own suite runs them), the new stage's visible tests run below.
STRUCTURAL_TESTS = ("tests/authoring/test_manifest.py", "tests/site/test_pages.py",
                    "tests/student/test_stubs_fresh.py", "tests/student/test_visible_tests.py",
                    "tests/nbgrader/test_generated_course.py", "tests/test_sample_class.py",
                    "tests/core/test_culprits.py")
HEAVY = ("test_visible_tests_pass_on_the_reference_solutions",
         "test_every_visible_test_fails_on_the_stubs_saying_not_implemented_yet",
         "test_a_missing_check_fails_saying_which_argument_the_error_should_name")


def digests(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()
            and not {"tests", "build", "site", "__pycache__"} & set(path.relative_to(root).parts)
            and "assets" not in path.relative_to(root).parts}


def author_writes_a_stage(root: Path) -> set[str]:
    """What an author writes by hand: the stage's files (no stub) and one manifest entry."""
    made = scaffold(load_course(root), NEW, "The mean of a Gaussian")
    written = set()
    for path, text in made.files.items():
        if path.parent.name == "exercises" and not path.name.startswith("test_"):
            continue  # the stub is generated
        path.write_text(text)
        written.add(path.relative_to(root).as_posix())
    (root / "course.toml").write_text(made.manifest)
    load_course.cache_clear()  # the course at root has changed
    return written | {"course.toml"}


@pytest.mark.slow
def test_a_seventh_stage_needs_its_files_one_entry_and_regenerate(tmp_path):
    root = copy_course(tmp_path / "course", (*COURSE_PARTS, "tests"))
    (root / "src").symlink_to(ROOT / "src")  # mkdocs.yml's hook, by path
    if (ROOT / "node_modules").is_dir():
        (root / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX, as `npm ci` gives
    before = digests(root)
    authored = author_writes_a_stage(root)

    done = mapcourse(root, "regenerate")
    assert done.returncode == 0, done.stderr
    listed = set(re.findall(r"^(?:wrote|rewrote|deleted): (\S+)", done.stdout, re.M))
    assert {f"exercises/{NEW}.py", f"nbgrader/source/{NEW}/{NEW}.ipynb", "README.md",
            f"examples/sample-class/ada/{NEW}.py"} <= listed, done.stdout
    changed = {name for name, digest in digests(root).items() if before.get(name) != digest}
    assert changed <= authored | listed, changed - authored - listed  # nothing else touched
    assert mapcourse(root, "regenerate", "--check").returncode == 0
    course = load_course(root)
    assert course.stages[-1].id == NEW and course.stages[-1].number == len(COURSE.stages) + 1

    graded = mapcourse(root, "grade", str(root / "solutions"), "--format", "json")
    assert graded.returncode == 0, graded.stderr
    submission = json.loads(graded.stdout)["submissions"][0]
    assert submission["max_score"] == COURSE.max_score + 10
    assert submission["score"] == submission["max_score"]
    assert submission["stages"][-1]["stage"] == NEW

    release = tmp_path / "release"
    released = mapcourse(root, "release", str(release))
    assert released.returncode == 0, released.stderr
    assert (release / "exercises" / f"{NEW}.py").is_file()
    assert (release / "exercises" / f"test_{NEW}.py").is_file()
    assert f"{NEW}.py" in (release / "README.md").read_text()
    assert find_leaks(course, release) == []

    assert mapcourse(root, "nbgrader", str(root / "nbgrader"), "--check").returncode == 0
    assert (root / "README.md").read_text().count(f"`{NEW}.py`") == 1

    site = tmp_path / "site"
    home = build_site(root, site, timeout=900)
    assert f'href="stages/{NEW}/"' in home
    assert "The mean of a Gaussian" in (site / "stages" / NEW / "index.html").read_text()

    visible = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              f"test_{NEW}.py"], cwd=root / "exercises", capture_output=True,
                             text=True, timeout=600,
                             env={**os.environ, "MAPCOURSE_STAGE_DIR": str(root / "solutions")})
    assert visible.returncode == 0 and "20 passed" in visible.stdout, visible.stdout[-2000:]

    deselect = [f"--deselect=tests/student/test_visible_tests.py::{name}" for name in HEAVY]
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-m", "not slow", *deselect, *STRUCTURAL_TESTS], cwd=root,
                            capture_output=True, text=True, timeout=900,
                            env={**os.environ, "MAPCOURSE_ROOT": str(root)})
    assert tested.returncode == 0, tested.stdout[-4000:]
