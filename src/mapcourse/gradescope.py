"""Gradescope: the autograder bundle, and what its `run_autograder` runs.

The bundle holds the course (manifest, solutions, hidden suites, this package) and
three files Gradescope knows: `setup.sh` installs the course, `run_autograder` calls
`python3 -m mapcourse.gradescope`, which grades `/autograder/submission` with the same
code path as `mapcourse grade` and writes `/autograder/results/results.json`.
"""

from __future__ import annotations

import importlib.metadata
import sys
import zipfile
from pathlib import Path

from mapcourse.grading import render
from mapcourse.grading.discover import Submission
from mapcourse.grading.export import write_atomic
from mapcourse.grading.pool import Settings, grade_all
from mapcourse.grading.uploads import locate
from mapcourse.manifest import Course, load_course
from mapcourse.sandbox.bwrap import bwrap_available

COURSE_FILES = ("pyproject.toml", "course.toml", "README.md")
COURSE_FOLDERS = ("src", "solutions", "autograder")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, when the autograder image is built.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq bubblewrap python3-pip python3-venv || true
python3 -m pip install --quiet -r /autograder/source/requirements.txt
python3 -m pip install --quiet /autograder/source/course
# The hidden suites and solutions are readable by root only; student code runs as
# an unprivileged user, even where bubblewrap cannot isolate it.
chmod -R go-rwx /autograder/source
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
root="${MAPCOURSE_AUTOGRADER_ROOT:-/autograder}"
export MAPCOURSE_ROOT="$root/source/course"
exec python3 -m mapcourse.gradescope "$root"
"""



def requirements() -> str:
    """requirements.txt: the course package's own dependencies, as its metadata lists them."""
    needed = [line for line in importlib.metadata.requires("mapcourse") or ()
              if "extra" not in line.partition(";")[2]]  # not the optional extras
    return "# Installed by setup.sh before the course itself.\n" + "\n".join(needed) + "\n"


def build_bundle(course: Course, zip_path: Path) -> list[str]:
    """Write the autograder zip; returns the names it holds."""
    names: list[str] = []
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = zip_path.with_name(f".{zip_path.name}.partial")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN),
                           ("requirements.txt", requirements())):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16
            bundle.writestr(info, text)
            names.append(name)
        for path in _course_files(course.root):
            name = f"course/{path.relative_to(course.root).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            bundle.writestr(info, path.read_bytes())
            names.append(name)
    temporary.replace(zip_path)
    return names


def _course_files(root: Path) -> list[Path]:
    files = [root / name for name in COURSE_FILES if (root / name).is_file()]
    for folder in COURSE_FOLDERS:
        files += [path for path in sorted((root / folder).rglob("*")) if path.is_file()
                  and "__pycache__" not in path.parts and ".egg-info" not in str(path)]
    return files


def find_submission(upload: Path, course: Course) -> Submission:
    """The upload as a submission: each stage's file wherever the upload holds it, under
    the upload rules of `mapcourse.grading.uploads` (nested, split, copies, notebooks)."""
    return Submission("submission", upload, locate(upload, course))


def run_autograder(root: Path) -> dict:
    """Grade root/submission and write root/results/results.json; returns the result."""
    course = load_course()
    submission = find_submission(root / "submission", course)
    settings = Settings(isolate=bwrap_available(), jobs=1)
    report = grade_all(course, [submission], settings)
    result = report.submissions[0]
    text = render.gradescope(result, sandbox=report.sandbox)
    write_atomic(root / "results" / "results.json", text)
    return {"score": result.score, "sandbox": report.sandbox}


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder")
    outcome = run_autograder(root)
    print(f"graded: {outcome['score']:g} points (sandbox: {outcome['sandbox']})")
