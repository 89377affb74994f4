"""A grading run kept in `--out DIR/class.json`, so that `mapcourse report DIR` can rebuild
the report without grading again.

The file holds the contract's JSON (`GradeReport.to_json`) with two more keys per
submission: `seconds`, how long its grading took, and `folder`, where its files were (the
similarity check reads them again).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult, TestResult
from mapcourse.term.standing import Standing

CLASS_FILE = "class.json"


class SavedResultsError(Exception):
    """DIR holds no results that the report can read; the message says what to do."""


@dataclass(frozen=True)
class SavedClass:
    """A graded class: its results, and each submission's folder by id; with the
    assignment it was and each submission's standing in it, when the run had one."""

    report: GradeReport
    folders: dict[str, Path]
    assignment: str | None = None
    standings: dict[str, Standing] = field(default_factory=dict)


def to_json(report: GradeReport, folders: dict[str, Path], *, assignment: str | None = None,
            standings: Mapping[str, Standing] | None = None) -> str:
    data = report.to_json()
    if assignment is not None:
        data["assignment"] = assignment
    for submission, entry in zip(report.submissions, data["submissions"], strict=True):
        entry["seconds"] = round(submission.seconds, 3)
        if submission.id in folders:
            entry["folder"] = str(folders[submission.id])
        if standings and submission.id in standings:
            entry["term"] = standings[submission.id].to_json()
    return json.dumps(data, indent=1) + "\n"


def load(out: Path) -> SavedClass:
    """The class graded into `out`. Raises SavedResultsError when there is none."""
    path = out / CLASS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        submissions = tuple(_submission(entry) for entry in data["submissions"])
        report = GradeReport(int(data["max_score"]), submissions,
                             data.get("sandbox", ""), data.get("isolation_level", ""))
    except FileNotFoundError:
        raise SavedResultsError(f"{out} holds no {CLASS_FILE}: grade the class with "
                                f"`mapcourse grade CLASS --out {out}` first") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SavedResultsError(f"{path} cannot be read ({type(error).__name__}: {error}): "
                                "grade the class again with --out") from None
    folders = {entry["id"]: Path(entry["folder"]) for entry in data["submissions"]
               if entry.get("folder")}
    try:
        standings = {entry["id"]: Standing.from_json(entry["id"], entry["term"])
                     for entry in data["submissions"] if entry.get("term")}
    except (ValueError, KeyError, TypeError) as error:
        raise SavedResultsError(f"{path} cannot be read ({type(error).__name__}: {error}): "
                                "grade the class again with --out") from None
    return SavedClass(report, folders, data.get("assignment"), standings)


def _submission(entry: dict) -> SubmissionResult:
    stages = tuple(
        StageResult(stage["stage"], int(stage["max_score"]), stage["status"],
                    tuple(TestResult(test["name"], float(test["score"]),
                                     float(test["max_score"]), test["status"],
                                     test.get("message", "")) for test in stage["tests"]),
                    message=stage.get("message", ""), note=stage.get("note", ""))
        for stage in entry["stages"])
    return SubmissionResult(entry["id"], stages, int(entry["max_score"]),
                            seconds=float(entry.get("seconds", 0.0)))
