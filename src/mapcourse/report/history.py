"""How each test group fared in the runs before this one.

A run graded beside an earlier one, or a regrade, records the run it follows (run.json's
`previous`). Following that chain back, the report shows each test group's failure rate
in every earlier run that ran it, so that a hidden test fixed mid-term, or a class that
resubmitted, shows what moved. Each earlier run is read from its own class.json and never
written.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from mapcourse.grading.results import GradeReport

RUNS_SHOWN = 4  # earlier runs followed back, the most recent first


@dataclass(frozen=True)
class EarlierRun:
    """One earlier run: its folder's name, the link to its report, when it ran, and for
    each test group it ran, by (stage id, group name), how many failed it of how many."""

    name: str
    link: str
    started: str
    groups: dict[tuple[str, str], tuple[int, int]]

    def failed(self, stage: str, name: str) -> tuple[int, int] | None:
        return self.groups.get((stage, name))


def group_counts(report: GradeReport) -> dict[tuple[str, str], tuple[int, int]]:
    """(failed, ran) for every test group, counting only stages that were graded, as the
    report's own table counts them (`summary._groups`)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for submission in report.submissions:
        for stage in submission.stages:
            if stage.status != "graded":
                continue
            for test in stage.tests:
                seen = counts.setdefault((stage.stage, test.name), [0, 0])
                seen[0] += test.status != "passed"
                seen[1] += 1
    return {key: (failed, ran) for key, (failed, ran) in counts.items()}


def earlier_runs(out: Path, previous: Path | None, limit: int = RUNS_SHOWN) -> list[EarlierRun]:
    """The runs before the one in `out`, the most recent first, following each run's
    `previous` back from `previous`; a run that can no longer be read ends the chain."""
    from mapcourse.report import saved
    from mapcourse.term import runs

    found: list[EarlierRun] = []
    seen = {out.resolve()}
    folder = previous
    while folder is not None and len(found) < limit:
        folder = Path(folder).resolve()
        if folder in seen:
            break
        seen.add(folder)
        try:
            graded = saved.load(folder)
        except saved.SavedResultsError:
            break
        started, before = "", None
        with contextlib.suppress(runs.RunError):
            record = runs.load(folder)
            started = str(record.data.get("started", ""))[:16].replace("T", " ")
            before = Path(record.previous) if record.previous else None
        link = os.path.relpath(folder / "report.html", out.resolve())
        found.append(EarlierRun(folder.name, link, started, group_counts(graded.report)))
        folder = before
    return found
