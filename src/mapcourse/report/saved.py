"""A grading run kept in `--out DIR/class.json`, so that `mapcourse report DIR` can rebuild
the report without grading again.

The file holds the contract's JSON (`GradeReport.to_json`) with two more keys per
submission: `seconds`, how long its grading took, and `folder`, where its files were (the
similarity check reads them again).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult, TestResult

CLASS_FILE = "class.json"


class SavedResultsError(Exception):
    """DIR holds no results that the report can read; the message says what to do."""


@dataclass(frozen=True)
class SavedClass:
    """A graded class: its results, and each submission's folder by id."""

    report: GradeReport
    folders: dict[str, Path]


def to_json(report: GradeReport, folders: dict[str, Path]) -> str:
    data = report.to_json()
    for submission, entry in zip(report.submissions, data["submissions"], strict=True):
        entry["seconds"] = round(submission.seconds, 3)
        if submission.id in folders:
            entry["folder"] = str(folders[submission.id])
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
    return SavedClass(report, folders)


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
