"""A command finds its course from where it runs (the nearest course.toml up) or from
`--course DIR`; outside any course it refuses, saying what it looked for, and writes
nothing, neither where it ran nor in the checkout the engine was installed from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.authoring.conftest import ROOT, copy_course

# Each command, as a new author or student would type it in the wrong folder.
COMMANDS = (
    ("hint", "1"), ("check",), ("grade", "."), ("regrade", "run"), ("report", "run"),
    ("stubs",), ("release", "out"), ("gradescope", "out.zip"), ("nbgrader", "out"),
    ("regenerate",), ("new-stage", "stage7_x", "--title", "X"),
)


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "MAPCOURSE_ROOT"}
    return subprocess.run([sys.executable, "-m", "mapcourse", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=120)


def checkout_state() -> dict[str, float]:
    """What a stray command could touch in the engine's own checkout."""
    paths = [ROOT / "course.toml", ROOT / ".mapcourse", ROOT / "solutions", ROOT / "exercises"]
    return {str(path): path.stat().st_mtime if path.exists() else -1.0 for path in paths}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_outside_a_course_a_command_refuses_and_writes_nothing(tmp_path, command):
    folder = tmp_path / "not-a-course"
    folder.mkdir()
    before = checkout_state()
    done = run(folder, *command)
    assert done.returncode == 2, (done.stdout, done.stderr)
    if command[0] == "regrade":  # the run is looked for first: there is none
        assert "holds no" in done.stderr
    else:
        assert f"no course.toml in {folder}" in done.stderr and "--course DIR" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []
    assert checkout_state() == before


def test_course_names_the_course_from_anywhere(tmp_path):
    course = copy_course(tmp_path / "course", ("course.toml", "pyproject.toml", "solutions",
                                               "exercises", "docs"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = checkout_state()
    done = run(elsewhere, "--course", str(course), "hint", "1")
    assert done.returncode == 0, done.stderr
    assert "hint 1 of" in done.stdout
    assert (course / ".mapcourse" / "hints.json").is_file()  # the course given keeps it
    assert list(elsewhere.iterdir()) == [] and checkout_state() == before
    inside = run(course / "exercises", "hint", "1")  # found from a folder inside it
    assert inside.returncode == 0 and "hint 2 of" in inside.stdout


def test_a_course_folder_that_is_not_one_is_named(tmp_path):
    done = run(tmp_path, "--course", str(tmp_path / "missing"), "hint", "1")
    assert done.returncode == 2
    assert f"{tmp_path / 'missing'} holds no course.toml" in done.stderr


class LeftPipe:
    """A stdout whose reader has gone, as `mapcourse hint 1 | head -0` leaves it."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        pass


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path, monkeypatch, capsys):
    from mapcourse.cli import main

    course = copy_course(tmp_path / "course", ("course.toml", "pyproject.toml", "solutions",
                                               "exercises", "docs"))
    monkeypatch.delenv("MAPCOURSE_ROOT", raising=False)
    monkeypatch.setattr(sys, "stdout", LeftPipe())
    assert main(["--course", str(course), "hint", "1"]) == 141
    assert "MAPCOURSE_ROOT" not in os.environ  # --course lasts as long as its command
    assert capsys.readouterr().err == ""
