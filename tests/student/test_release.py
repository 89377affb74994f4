"""`mapcourse release DIR`: what the student repository holds, and where it may be written."""

from __future__ import annotations

import os
import subprocess
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default image): the same parser, from PyPI
    import tomli as tomllib

import pytest

from mapcourse.manifest import Course
from mapcourse.progress.workspace import LOCAL_FILES
from tests.student.conftest import ROOT, TEXTBOOK, mapcourse, release_cli, visible_test_files


def test_release_holds_stubs_visible_tests_and_what_a_student_needs(built_release, course):
    expected = ["README.md", "pyproject.toml", "course.toml", ".gitignore",
                ".github/workflows/classroom.yml", ".mapcourse/release.json",
                "exercises/conftest.py", "src/mapcourse/cli/check.py",
                "src/mapcourse/cli/hint.py", "src/mapcourse/checks.py"]
    expected += [f"exercises/{stage.filename}" for stage in course.stages]
    expected += [f"exercises/{path.name}" for path in visible_test_files(course)]
    assert [name for name in expected if not (built_release / name).is_file()] == []


def test_stubs_in_the_release_are_the_course_stubs(built_release, course):
    for stage in course.stages:
        released = (built_release / "exercises" / stage.filename).read_text()
        assert released == (course.exercises_dir / stage.filename).read_text(), stage.id


def test_release_ships_no_instructor_code(built_release):
    package = built_release / "src" / "mapcourse"
    shipped = {path.relative_to(package).as_posix() for path in package.rglob("*.py")}
    instructor = {"reference.py", "stubs.py", "cli/grade.py", "cli/release.py", "cli/stubs.py"}
    assert shipped & instructor == set()
    assert not any(name.startswith(("grading/", "release/", "site/")) for name in shipped)


def test_release_cli_offers_only_check_and_hint(built_release):
    help_text = mapcourse(built_release, "--help").stdout
    assert "check" in help_text and "hint" in help_text
    for instructor_command in ("grade", "release", "stubs", "gradescope", "nbgrader"):
        done = mapcourse(built_release, instructor_command, "--help")
        assert done.returncode == 2 and "invalid choice" in done.stderr


def test_pyproject_installs_numpy_torch_pytest_and_the_mapcourse_command(built_release):
    project = tomllib.loads((built_release / "pyproject.toml").read_text())["project"]
    needs = " ".join(project["dependencies"])
    for package in ("numpy", "torch", "pytest", "rich", "watchfiles"):
        assert package in needs
    assert project["scripts"] == {"mapcourse": "mapcourse.cli:main"}


def test_pytest_in_the_release_runs_the_exercises(built_release):
    config = tomllib.loads((built_release / "pyproject.toml").read_text())
    assert config["tool"]["pytest"]["ini_options"]["testpaths"] == ["exercises"]


def test_classroom_workflow_runs_each_stage_with_visible_tests_for_its_points(built_release,
                                                                             course: Course):
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((built_release / ".github/workflows/classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    graded = {step["with"]["command"]: step["with"]["max-score"] for step in steps
              if "autograding-command-grader" in step.get("uses", "")}
    expected = {f"python -m pytest exercises/{path.name} -q": course.stage(
        path.stem.removeprefix("test_")).points for path in visible_test_files(course)}
    assert graded == expected
    assert any("pip install -e ." in step.get("run", "") for step in steps)
    assert True in workflow or "on" in workflow  # YAML 1.1 reads the key `on` as True


def test_gitignore_keeps_the_students_local_state_out_of_git(built_release):
    ignored = (built_release / ".gitignore").read_text().splitlines()
    assert all(f".mapcourse/{name}" in ignored for name in LOCAL_FILES)
    assert "__pycache__/" in ignored


def test_readme_says_how_to_install_test_check_and_find_the_textbook(built_release, course):
    readme = (built_release / "README.md").read_text()
    for step in ("pip install -e .", "pytest", "mapcourse check", "mapcourse hint",
                 "mapcourse check --watch", TEXTBOOK):
        assert step in readme
    assert all(stage.title in readme for stage in course.stages)
    assert "@" not in readme.replace("git@", "")


def test_release_refuses_a_non_empty_folder_without_force(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = release_cli(str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "not empty" in done.stderr and "--force" in done.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_force_replaces_the_contents_but_keeps_git(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "old.txt").write_text("from an earlier release")
    done = release_cli(str(tmp_path), "--force")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "old.txt").exists()
    assert (tmp_path / ".git" / "HEAD").is_file()
    assert (tmp_path / "exercises" / "conftest.py").is_file()


@pytest.mark.parametrize("inside", [".", "exercises", "solutions", "src"],
                         ids=["the course root", "exercises", "solutions", "src"])
def test_release_refuses_to_write_over_the_course(inside):
    done = release_cli(str(ROOT / inside), "--force")
    assert done.returncode == 2
    assert "holds the course's own files" in done.stderr


def test_the_release_lists_the_packages_the_grader_installs_not_the_students_tools(
        built_release):
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = subprocess.run(
        [sys.executable, "-c", "from mapcourse.terms import grader_requirements as g; "
                               "print('\\n'.join(g()))"],
        env={**os.environ, "PYTHONPATH": str(built_release / "src")}, capture_output=True,
        text=True, check=True).stdout.split("\n")[:-1]
    assert listed == dependencies
    released = tomllib.loads((built_release / "pyproject.toml").read_text())["project"]
    student_only = set(released["dependencies"]) - set(dependencies)
    assert student_only and not student_only & set(listed)  # watchfiles, pytest-timeout
    readme = (built_release / "README.md").read_text()
    for line in dependencies:
        name = line.split(";")[0].split(">")[0].split("=")[0].split("<")[0]
        assert (f"`{name}`" in readme) == (";" not in line), name
