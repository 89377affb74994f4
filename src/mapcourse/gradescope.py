"""Gradescope: the autograder bundle, and what its `run_autograder` runs.

The bundle holds the course (manifest, solutions, hidden suites, this package, and the
grading cache built when the bundle is built: `mapcourse.grading.cache`) and three files
Gradescope knows: `setup.sh` builds a virtual environment on Gradescope's
Ubuntu 22.04 (Python 3.10) or 24.04 (Python 3.12) image, with torch from PyTorch's CPU
wheel index; `run_autograder` calls `python -m mapcourse.gradescope`, which grades
`/autograder/submission` with the same code path as `mapcourse grade` and always writes
`/autograder/results/results.json`, even when grading itself fails. The cache is keyed
by the versions of Python and the packages too: `setup.sh` builds it again on the image
unless the bundle's fits it, so that no Gradescope run records the examples again.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
import traceback
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mapcourse.files import write_atomic
from mapcourse.grading import cache, render
from mapcourse.grading.discover import Submission
from mapcourse.grading.pool import Settings, grade_all
from mapcourse.grading.uploads import locate
from mapcourse.manifest import Course, load_course, project_table
from mapcourse.sandbox.levels import IsolationRefused, choose_isolation
from mapcourse.term.policy import Assignment
from mapcourse.terms import requirement_name

if TYPE_CHECKING:
    from mapcourse.term.standing import Standing

COURSE_FILES = ("pyproject.toml", "course.toml", "README.md")
COURSE_FOLDERS = ("src", "solutions", "autograder")
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
"""PyTorch's CPU-only wheels: PyPI's Linux torch brings CUDA, gigabytes Gradescope never uses."""
DEFAULT_MEMORY_MB = 768
"""Gradescope's default memory limit of one autograder container."""

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu 22.04 or 24.04).
# To try the bundle elsewhere: MAPCOURSE_AUTOGRADER_ROOT (a fake /autograder; apt is then
# left alone), MAPCOURSE_PYTHON (the Python to build on), MAPCOURSE_TORCH_INDEX (where
# torch comes from) and MAPCOURSE_TORCH (the torch requirement; empty: no torch).
set -euo pipefail
root="${MAPCOURSE_AUTOGRADER_ROOT:-/autograder}"
python="${MAPCOURSE_PYTHON:-python3}"
torch_index="${MAPCOURSE_TORCH_INDEX:-@index@}"
torch="${MAPCOURSE_TORCH-@torch@}"
venv="$root/venv"
started=$SECONDS
fail() { echo "setup.sh: FAILED: $*" >&2; exit 1; }
warn() { echo "setup.sh: WARNING: $*" >&2; }

if [ "$root" = /autograder ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update could not read Ubuntu's package lists; \
rebuild the autograder (Configure Autograder, Update Autograder) once the mirrors answer"
  apt-get install -y -qq --no-install-recommends python3 python3-venv python3-pip \
    || fail "apt-get could not install python3, python3-venv and python3-pip: choose \
the Ubuntu 22.04 or 24.04 base image in Configure Autograder, then rebuild"
  apt-get install -y -qq --no-install-recommends bubblewrap \
    || warn "apt-get could not install bubblewrap: student code is isolated without it \
(see the course's Gradescope page)"
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
  || fail "$python is missing or older than Python 3.10, and the course needs 3.10 or later: \
choose the Ubuntu 22.04 (Python 3.10) or 24.04 (Python 3.12) base image"
rm -rf "$venv"
"$python" -m venv "$venv" || fail "$python cannot make a virtual environment: install \
python3-venv (apt-get install python3-venv)"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
if [ -n "$torch" ]; then
  "${pip[@]}" --index-url "$torch_index" "$torch" || fail "could not install $torch from \
$torch_index (PyTorch's CPU wheels): check that the index answers, then rebuild"
fi
"${pip[@]}" -r "$root/source/requirements.txt" \
  || fail "could not install the course's requirements from PyPI; rebuild once it answers"
"${pip[@]}" --no-deps "$root/source/course" || fail "could not install the course package"
# The hidden suites and solutions are readable by root only. The check below also records
# the grading cache (examples, the reference's answers) for this image's packages.
chmod -R go-rwx "$root/source"
MAPCOURSE_ROOT="$root/source/course" "$venv/bin/python" -m mapcourse.gradescope --check \
  || fail "the installed course cannot grade here (the message above says why)"
echo "setup.sh: built in $((SECONDS - started)) s; the environment takes \
$(du -sh "$venv" | cut -f1)"
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves a results.json.
root="${MAPCOURSE_AUTOGRADER_ROOT:-/autograder}"
export MAPCOURSE_ROOT="$root/source/course"
"$root/venv/bin/python" -m mapcourse.gradescope "$root"
if [ ! -s "$root/results/results.json" ]; then
  mkdir -p "$root/results"
  message="The autograder could not start, so this submission was not graded: tell your"
  message="$message instructor (resubmitting will not help until the autograder is rebuilt)."
  printf '%s' '{"score": 0.0, "visibility": "visible", "stdout_visibility": "hidden", ' \
    '"tests": [], "output": "' "$message" '"}' > "$root/results/results.json"
fi
exit 0
"""

_SAFE_TO_SHOW = ("SandboxUnavailable", "IsolationRefused")
"""Errors whose messages the course writes itself (others may quote hidden code)."""


def requirements(course: Course) -> str:
    """requirements.txt: the course package's dependencies but torch (setup.sh installs it)."""
    lines = [line for line in project_table(course)["dependencies"]
             if requirement_name(line) != "torch"]
    return "# Installed by setup.sh before the course itself.\n" + "\n".join(lines) + "\n"


def torch_requirement(course: Course) -> str:
    """The course's own torch pin (`torch==2.13.0`), installed from the CPU index."""
    return next(line.split(";")[0].strip() for line in project_table(course)["dependencies"]
                if requirement_name(line) == "torch")


def setup_script(course: Course) -> str:
    return SETUP.replace("@index@", TORCH_INDEX).replace("@torch@", torch_requirement(course))


ASSIGNMENT_FILE = "gradescope-assignment.json"
"""In the bundle's course: the assignment it grades and its students' extensions."""


def build_bundle(course: Course, zip_path: Path, assignment: Assignment | None = None,
                 extensions: dict[str, datetime] | None = None) -> list[str]:
    """Write the autograder zip; returns the names it holds. With an assignment, the
    bundle grades only its stages, with its due date and late policy, and each student's
    extension ({email or name: due date})."""
    names: list[str] = []
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = zip_path.with_name(f".{zip_path.name}.partial")
    files = _course_files(course.root)
    cached = cache.ensure(course)  # the examples and the reference's answers, recorded now
    if cached is not None:
        files.append(cached)
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (("setup.sh", setup_script(course)), ("run_autograder", RUN),
                           ("requirements.txt", requirements(course))):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16
            bundle.writestr(info, text)
            names.append(name)
        if assignment is not None:
            chosen = json.dumps({"assignment": assignment.id, "extensions": {
                student: due.isoformat() for student, due in sorted((extensions or {}).items())}},
                indent=1) + "\n"
            info = zipfile.ZipInfo(f"course/{ASSIGNMENT_FILE}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            bundle.writestr(info, chosen)
            names.append(info.filename)
        for path in files:
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
    """Grade root/submission and write root/results/results.json; returns the results.

    Whatever happens, the student gets a results.json: when grading itself fails, one
    that says so (the details go to the autograder's output, which only staff see).
    """
    started = time.monotonic()
    try:
        course = load_course()
        assignment, extensions = bundled_assignment(course)
        if assignment is not None:
            course = course.restrict(assignment.stages)
        submission = find_submission(root / "submission", course)
        settings = Settings(jobs=1)  # bubblewrap, else an unprivileged user, else refused
        report = grade_all(course, [submission], settings)
        standing = None
        if assignment is not None:
            standing = assignment_standing(root, course, assignment, extensions,
                                           report.submissions[0])
        results = json.loads(render.gradescope(report.submissions[0], sandbox=report.sandbox,
                                               standing=standing))
    except Exception as error:  # noqa: BLE001 - the student still gets feedback
        traceback.print_exc()
        results = not_graded(error)
    results["execution_time"] = math.ceil(time.monotonic() - started)  # whole seconds
    write_atomic(root / "results" / "results.json", json.dumps(results, indent=2) + "\n")
    return results


def bundled_assignment(course: Course) -> tuple[Assignment | None, dict[str, datetime]]:
    """The assignment the bundle was built for, if any, and its extensions."""
    path = course.root / ASSIGNMENT_FILE
    if not path.is_file():
        return None, {}
    chosen = json.loads(path.read_text(encoding="utf-8"))
    return course.assignment(chosen["assignment"]), {
        student: datetime.fromisoformat(due) for student, due in chosen["extensions"].items()}


def assignment_standing(root: Path, course: Course, assignment: Assignment,
                        extensions: dict[str, datetime], result) -> Standing:
    """The submission's place in the assignment: handed in at Gradescope's `created_at`
    (submission_metadata.json), due at the assignment's due date or the extension of any
    of its users (by email or name)."""
    from mapcourse.term.standing import Term
    from mapcourse.term.times import handed_in

    handed = handed_in(root, result.id)
    users = []
    with contextlib.suppress(OSError, ValueError):
        users = json.loads((root / "submission_metadata.json").read_text()).get("users") or []
    own = [extensions[key] for user in users for key in (user.get("email"), user.get("name"))
           if key in extensions]
    term = Term(course, assignment, {result.id: handed},
                {(result.id, assignment.id): max(own)} if own else {})
    return term.standing(result)


def not_graded(error: BaseException) -> dict:
    """results.json for a submission the grader could not grade: what happened, what next."""
    detail = f": {error}" if type(error).__name__ in _SAFE_TO_SHOW else ""
    return {"score": 0.0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            "output": (f"The autograder could not grade this submission "
                       f"({type(error).__name__}{detail}). This is not a verdict on your work: "
                       "tell your instructor, who can see the details and regrade it.")}


def check() -> str:
    """What setup.sh reports once the course is installed and made private: it loads, and
    how student code will be isolated (IsolationRefused when it cannot be, safely)."""
    course = load_course()
    isolation = choose_isolation(course).description
    cached = "ready" if cache.ensure(course) is not None else "not built (each run records it)"
    return (f"{course.title}: {len(course.stages)} stages, {course.max_score} points; "
            f"student code will be {isolation}; the grading cache is {cached}; "
            f"Gradescope's default memory "
            f"({DEFAULT_MEMORY_MB} MB) and 10-minute timeout suffice (see the course's "
            "Gradescope page)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        try:
            print(f"setup.sh: {check()}")
        except IsolationRefused as refused:
            sys.exit(f"setup.sh: student code cannot be isolated here: {refused}")
    else:
        outcome = run_autograder(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder"))
        print(f"graded: {outcome['score']:g} points in {outcome['execution_time']:g} s "
              f"({outcome.get('output', '')})")
