"""`check`'s stored results are never stale: they are keyed on the Python and on the
packages the stage's files import, and a package that is missing is named with what the
grader installs.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys

from mapcourse.manifest import load_course
from mapcourse.progress import environment, inputs_digest
from mapcourse.terms import grader_packages
from tests.student.conftest import row, stage_file, student_env

ABSENT = "mapcourse_course_extra"  # a package nobody has installed


def test_the_key_changes_with_the_python_and_with_the_packages_imported(student, monkeypatch,
                                                                        tmp_path):
    monkeypatch.setenv("MAPCOURSE_STAGE_DIR", str(student / "exercises"))
    course = load_course(student)
    stage = course.stages[0]
    stage_file(student).write_text(f"import {ABSENT}\n" + stage_file(student).read_text())
    before = inputs_digest(course, stage)
    assert inputs_digest(course, stage) == before
    (tmp_path / f"{ABSENT}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))  # the package is installed now
    installed = inputs_digest(course, stage)
    assert installed != before
    monkeypatch.setattr(sys, "executable", sys.executable + "-another")
    assert inputs_digest(course, stage) not in (before, installed)


def test_the_environment_names_each_imported_package_and_its_version(tmp_path):
    helper = tmp_path / "helpers.py"
    helper.write_text(f"import math\nimport numpy as np\ntry:\n    import {ABSENT}\nexcept "
                      "ImportError:\n    pass\n\n\ndef later():\n    import scipy\n")
    parts = environment([helper], own=set())
    assert parts[:2] == [f"python={sys.executable}", f"version={sys.version}"]
    assert parts[2:] == sorted([f"{ABSENT}=missing",
                                f"numpy={importlib.metadata.version('numpy')}"])


def test_installing_a_missing_package_runs_the_stage_again(student, course, tmp_path):
    shutil.copy(course.solutions_dir / "stage1_mle_coin.py", stage_file(student))
    stage_file(student).write_text(f"import {ABSENT}\n" + stage_file(student).read_text())

    def check(*paths: str) -> subprocess.CompletedProcess:
        env = student_env(student)
        env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], *paths])
        return subprocess.run([sys.executable, "-m", "mapcourse", "check", "1"], cwd=student,
                              env=env, capture_output=True, text=True, timeout=600, check=False)

    missing = check()
    text = " ".join(missing.stdout.split())
    assert f"ModuleNotFoundError: No module named '{ABSENT}'" in text
    assert (f"The grader installs only {', '.join(grader_packages())}; other packages will "
            "not be there when your work is graded, so use those instead.") in text
    assert check().stdout == missing.stdout  # nothing changed: the stored result
    (tmp_path / f"{ABSENT}.py").write_text("")
    installed = check(str(tmp_path))
    assert installed.returncode == 0, installed.stdout
    assert "passed       3/3 tests pass" in row(installed.stdout, 1)


def test_a_package_the_grader_installs_is_named_as_one_to_install_here():
    from mapcourse.progress.plugin import missing_package

    assert "numpy" in grader_packages() and "watchfiles" not in grader_packages()
    assert missing_package("numpy.linalg") == (
        ". The grader installs numpy: install the course's requirements here too "
        "(`pip install -e .` in your repository).")
