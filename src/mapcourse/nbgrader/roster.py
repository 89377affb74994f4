"""The students of the nbgrader course: nbgrader's own `db student import` of a CSV.

Without a roster, nbgrader adds each student it meets (on collect or autograde) with no
name, and Formgrader lists them as "None, None". The CSV has a header row naming at
least `id` (the student's nbgrader id, their login on JupyterHub, the folder name under
`submitted/`), and optionally `first_name`, `last_name` and `email`.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

COLUMNS = ("id", "first_name", "last_name", "email")


class RosterError(Exception):
    """A roster nbgrader cannot import, or an import that failed."""


def read_roster(path: Path) -> list[dict[str, str]]:
    """The rows of a roster CSV, checked: an `id` column, known columns, unique ids."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        rows = list(reader)
    if "id" not in columns:
        raise RosterError(f"{path} has no `id` column; its header must name id and may "
                          f"name {', '.join(COLUMNS[1:])}")
    if unknown := [name for name in columns if name not in COLUMNS]:
        raise RosterError(f"{path}: unknown column {', '.join(unknown)} (known: "
                          f"{', '.join(COLUMNS)})")
    ids = [row["id"].strip() for row in rows]
    if missing := [number for number, value in enumerate(ids, start=2) if not value]:
        raise RosterError(f"{path}: no id on line {missing[0]}")
    if duplicated := sorted({value for value in ids if ids.count(value) > 1}):
        raise RosterError(f"{path}: the id {duplicated[0]} appears twice")
    return rows


def import_roster(directory: Path, path: Path) -> str:
    """Add (or update) the roster's students in the course's gradebook; nbgrader's log."""
    read_roster(path)
    bin_dir = os.path.dirname(sys.executable)  # alembic, for the database migrations
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "db", "student", "import", str(path.resolve()),
         f"--CourseDirectory.root={directory.resolve()}"],
        cwd=directory, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RosterError(f"nbgrader db student import failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr
