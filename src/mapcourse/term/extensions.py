"""Per-student extensions: a CSV of `student`, `assignment` and either `due` (a new due
date-time) or `days` (extra days after the assignment's due date).

A student's extension replaces the assignment's due date for that student alone; the
late policy then counts from it, and the last day moves by as much as the due date: the
window for late work keeps its length.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mapcourse.term.policy import Assignment
from mapcourse.term.times import parse_moment

COLUMNS = ("student", "assignment", "due", "days")


class ExtensionsError(Exception):
    """An extensions CSV that cannot be read; the message names the file, line and fix."""


def read_extensions(path: Path, assignments: tuple[Assignment, ...],
                    zone: ZoneInfo) -> dict[tuple[str, str], datetime]:
    """{(student, assignment id): the student's due date}."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ExtensionsError(f"the extensions file {path} cannot be read ({error})") from None
    if rows and (missing := {"student", "assignment"} - set(rows[0])):
        raise ExtensionsError(f"the extensions file {path} has no {sorted(missing)[0]} column "
                              f"(its columns are {', '.join(COLUMNS)})")
    by_id = {assignment.id: assignment for assignment in assignments}
    found: dict[tuple[str, str], datetime] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{path}, line {line}"
        student, name = (row.get("student") or "").strip(), (row.get("assignment") or "").strip()
        if not student:
            continue
        if name not in by_id:
            raise ExtensionsError(f"{where}: no assignment {name!r} (the assignments are "
                                  f"{', '.join(by_id) or 'none'})")
        due, days = (row.get("due") or "").strip(), (row.get("days") or "").strip()
        if bool(due) == bool(days):
            raise ExtensionsError(f"{where}: give either due (a date-time) or days (extra "
                                  f"days), not {'both' if due else 'neither'}")
        try:
            found[student, name] = parse_moment(due, zone) if due else \
                by_id[name].due + timedelta(days=float(days))
        except (ValueError, TypeError) as error:
            raise ExtensionsError(f"{where}: {'due' if due else 'days'} = {due or days!r} "
                                  f"cannot be read ({error})") from None
    return found
