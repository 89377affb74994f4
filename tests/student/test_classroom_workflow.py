"""The release's GitHub Classroom workflow: valid for GitHub, on current action majors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mapcourse.manifest import Course
from mapcourse.release.render import classroom_workflow

CURRENT_MAJORS = {
    "actions/checkout": "v7",  # node24
    "actions/setup-python": "v7",  # node24
    # Classroom's graders have no release past v1, declared node20 (runners use Node 24).
    "classroom-resources/autograding-command-grader": "v1",
    "classroom-resources/autograding-grading-reporter": "v1",
}


def used_actions(workflow: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for action, version in re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@(\S+)", workflow):
        found.setdefault(action, set()).add(version)
    return found


def test_classroom_workflow_uses_each_action_at_its_current_major(course: Course):
    used = used_actions(classroom_workflow(course))
    assert used == {action: {major} for action, major in CURRENT_MAJORS.items()}


def test_classroom_workflow_validates_against_githubs_workflow_schema(course: Course,
                                                                      tmp_path: Path):
    pytest.importorskip("check_jsonschema", reason="check-jsonschema (the dev extra) "
                        "carries GitHub's workflow schema")
    checked = [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
               "vendor.github-workflows"]
    workflow = tmp_path / "classroom.yml"
    workflow.write_text(classroom_workflow(course))
    valid = subprocess.run([*checked, str(workflow)], capture_output=True, text=True,
                           timeout=120)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    broken = tmp_path / "broken.yml"  # the schema does catch a mistake
    broken.write_text(workflow.read_text().replace("runs-on:", "runs_on:"))
    invalid = subprocess.run([*checked, str(broken)], capture_output=True, text=True,
                             timeout=120)
    assert invalid.returncode != 0
