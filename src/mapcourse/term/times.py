"""When each submission was handed in, read from where the platform left it.

In order, for a submission folder:

1. a times CSV the instructor gives (`--times CSV`: columns `id` and `submitted`);
2. `submission_metadata.json`, which Gradescope writes beside each submission (its
   `created_at`);
3. `timestamp.txt`, which nbgrader's `submit` writes and `collect` keeps
   (`2027-01-20 10:00:00.000000 UTC`, nbgrader's `Exchange.timestamp_format`);
4. the time of the last commit, when the folder is a Git repository (GitHub Classroom's
   student repositories). The committer's clock is the student's own: where it matters,
   prefer a times CSV made from the platform's push log.

A submission with none of these has no time: it is graded as on time and named.
"""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

GRADESCOPE, NBGRADER, GIT, CSV_SOURCE = "Gradescope", "nbgrader", "git", "times CSV"


class TimesError(Exception):
    """A times file that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class Handed:
    submitted: datetime | None
    source: str = ""


def parse_moment(text: str, zone: ZoneInfo | timezone = timezone.utc) -> datetime:
    """ISO 8601 (`2027-01-20T10:00:00+01:00`, `2027-01-20 10:00`), or nbgrader's
    `2027-01-20 10:00:00.123456 UTC` (a zone name or a numeric offset last). A moment
    without an offset is read in `zone`. Raises ValueError."""
    text = text.strip()
    head, _, last = text.rpartition(" ")
    if head and last and not last[0].isdigit():
        try:
            named = timezone.utc if last.upper() in {"UTC", "Z", "GMT"} else ZoneInfo(last)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {last!r} in {text!r}") from None
        return datetime.fromisoformat(head).replace(tzinfo=named)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def read_times(path: Path, zone: ZoneInfo | timezone = timezone.utc) -> dict[str, datetime]:
    """A times CSV (`id`, `submitted`) as {submission id: moment}."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TimesError(f"the times file {path} cannot be read ({error})") from None
    if rows and not {"id", "submitted"} <= set(rows[0]):
        raise TimesError(f"the times file {path} needs the columns id and submitted "
                         f"(it has {', '.join(rows[0])})")
    times = {}
    for line, row in enumerate(rows, start=2):
        try:
            times[row["id"].strip()] = parse_moment(row["submitted"] or "", zone)
        except ValueError as error:
            raise TimesError(f"{path}, line {line}: submitted = {row['submitted']!r} is not "
                             f"a date-time ({error}); write 2027-01-20T10:00:00Z") from None
    return times


def handed_in(folder: Path, submission_id: str, given: dict[str, datetime] | None = None,
              zone: ZoneInfo | timezone = timezone.utc) -> Handed:
    """When the submission in `folder` was handed in, and where that was read."""
    if given and submission_id in given:
        return Handed(given[submission_id], CSV_SOURCE)
    for reader in (_gradescope, _nbgrader, _git):
        found = reader(folder, zone)
        if found.submitted is not None:
            return found
    return Handed(None)


def _gradescope(folder: Path, zone) -> Handed:
    path = folder / "submission_metadata.json"
    try:
        created = json.loads(path.read_text(encoding="utf-8"))["created_at"]
        return Handed(parse_moment(str(created), zone), GRADESCOPE)
    except (OSError, ValueError, KeyError, TypeError):
        return Handed(None)


def _nbgrader(folder: Path, zone) -> Handed:
    for path in (folder / "timestamp.txt", *sorted(folder.glob("*/timestamp.txt"))):
        try:
            return Handed(parse_moment(path.read_text(encoding="utf-8"), zone), NBGRADER)
        except (OSError, ValueError):
            continue
    return Handed(None)


def _git(folder: Path, zone) -> Handed:
    if not (folder / ".git").exists():
        return Handed(None)
    try:
        # The repository is the student's: its own config may name programs to run, and
        # settings given on the command line win over it.
        safe = ["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c",
                "core.hooksPath=/dev/null", "-c", "core.pager=cat"]
        done = subprocess.run(["git", *safe, "-C", str(folder), "log", "-1", "--format=%cI"],
                              capture_output=True, text=True, timeout=30, check=False)
        return Handed(datetime.fromisoformat(done.stdout.strip()), GIT) \
            if done.returncode == 0 and done.stdout.strip() else Handed(None)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return Handed(None)
