"""The whole nbgrader course folder: config, one assignment per stage, a .gitignore.

`DIR/source/<stage>/<stage>.ipynb` for every stage, `DIR/nbgrader_config.py`, and a
`DIR/.gitignore` that keeps nbgrader's student data (gradebook, submissions, feedback,
the exchange) out of the course repository. Everything here is generated from the
solutions, the hidden suites and course.toml; `stale_files` says what differs from a
fresh build. MathJax is copied beside them (`feedback.copy_mathjax`), not generated.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from mapcourse.manifest import Course
from mapcourse.nbgrader.config import nbgrader_config
from mapcourse.nbgrader.notebook import stage_notebook

DEFAULT_COURSE_ID = "mapcourse"
GITIGNORE = """\
# nbgrader's working data: student names, submissions and grades stay out of git.
gradebook.db
release/
submitted/
autograded/
feedback/
exchange/
mathjax/
.ipynb_checkpoints/
"""


def course_files(course: Course, course_id: str = DEFAULT_COURSE_ID,
                 exchange: str | None = None, directory: Path | None = None) -> dict[Path, str]:
    """Every generated file, by path relative to the nbgrader course folder `directory`
    (default: the manifest's nbgrader folder)."""
    folder = directory if directory is not None else course.nbgrader_dir or course.root
    files = {Path("nbgrader_config.py"): nbgrader_config(course, course_id, exchange,
                                                         Path(folder)),
             Path(".gitignore"): GITIGNORE}
    for stage in course.stages:
        notebook = stage_notebook(course, stage)
        files[Path("source", stage.id, f"{stage.id}.ipynb")] = nbformat.writes(notebook) + "\n"
    return files


def stale_files(course: Course, directory: Path, course_id: str = DEFAULT_COURSE_ID,
                exchange: str | None = None) -> list[Path]:
    """Generated files under `directory` that are missing or differ from a fresh build."""
    return [directory / relative
            for relative, text in course_files(course, course_id, exchange,
                                               directory).items()
            if _read(directory / relative) != text]


def write_course(course: Course, directory: Path, course_id: str = DEFAULT_COURSE_ID,
                 exchange: str | None = None) -> list[Path]:
    """Write the stale generated files under `directory`; return those written."""
    written = []
    for relative, text in course_files(course, course_id, exchange, directory).items():
        path = directory / relative
        if _read(path) != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    return written


def _read(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None
