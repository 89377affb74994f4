"""Driving the real nbgrader on a generated course: assignments, submissions, gradebook.

Shared by the end-to-end test and `bench/nbgrader_vs_grade.py`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from mapcourse.manifest import Course
from mapcourse.nbgrader.course import write_course
from mapcourse.nbgrader.notebook import cell_id


def jupyter_env() -> dict[str, str]:
    """The environment nbgrader and the Jupyter server need: this Python's bin on PATH."""
    bin_dir = os.path.dirname(sys.executable)  # alembic (database migrations) lives here
    # nbconvert's templates live under the base Python when a virtual environment
    # borrows its packages (--system-site-packages); tell Jupyter where to look.
    data = os.pathsep.join(str(Path(prefix) / "share" / "jupyter")
                           for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)))
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "JUPYTER_PATH": data}


def nbgrader(course_dir: Path, *args: str, timeout: float = 1800) -> str:
    """Run `nbgrader ARGS` in the course folder; its log, or AssertionError with the log."""
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course_dir}"],
        cwd=course_dir, env=jupyter_env(), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def make_course(course: Course, course_dir: Path) -> None:
    """Generate the course and run `nbgrader generate_assignment` for every stage."""
    write_course(course, course_dir)
    for stage in course.stages:
        nbgrader(course_dir, "generate_assignment", stage.id, "--force")


def submit(course: Course, course_dir: Path, student: str, submission: Path,
           derivation: str | None = None) -> list[str]:
    """Hand in a submission folder as nbgrader notebooks; return the stages handed in.

    Each stage file present is pasted into the first answer cell of its released
    notebook, and `derivation` (Markdown) into its derivation cell, if it has one; the
    folder's other files (a student's helper modules) go beside it. This is the layout
    `nbgrader collect` leaves: submitted/<student>/<stage>/<stage>.ipynb.
    """
    handed_in = []
    for stage in course.stages:
        stage_file = submission / stage.filename
        if not stage_file.is_file():
            continue
        released = course_dir / "release" / stage.id / f"{stage.id}.ipynb"
        notebook = nbformat.read(released, as_version=4)
        answer = next(cell for cell in notebook.cells if cell.id == cell_id(stage, "answer"))
        answer.source = stage_file.read_text()
        for cell in notebook.cells:
            if derivation is not None and cell.id == cell_id(stage, "derivation"):
                cell.source = derivation
        folder = course_dir / "submitted" / student / stage.id
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / released.name)
        for extra in submission.iterdir():
            if extra.suffix == ".py" and not extra.name.startswith("stage"):
                shutil.copy(extra, folder / extra.name)
        handed_in.append(stage.id)
    return handed_in


def autograded_scores(course_dir: Path) -> dict[tuple[str, str], float]:
    """(student, stage) -> the autograded (code) score nbgrader's gradebook holds."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    scores[submission.student.id, notebook.name] = notebook.code_score
    return scores
