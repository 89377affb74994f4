"""An assignment of the term (`[[assignments]]` in course.toml) and what lateness costs.

A late policy takes `penalty` of the assignment's points per day late, a part of a day
counting as a whole day, up to `cap`; work handed in after `last_day` is not accepted
(it scores 0, and the student is told why). Without a `last_day`, late work is always
accepted. The penalty applies to the assignment's whole score, written points included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = timedelta(days=1)


@dataclass(frozen=True)
class LatePolicy:
    penalty: float = 0.0
    """The share of the points taken per day late (or part of a day): 0.1 is 10% a day."""
    cap: float = 1.0
    """The largest share lateness takes: 0.5 keeps at least half of the points."""
    last_day: datetime | None = None
    """After this moment work is not accepted."""

    def describe(self) -> str:
        if not self.penalty and self.last_day is None:
            return "late work is accepted without penalty"
        words = []
        if self.penalty:
            words.append(f"−{_percent(self.penalty)} per day late (or part of a day)")
            if self.cap < 1:
                words.append(f"at most −{_percent(self.cap)}")
        if self.last_day is not None:
            words.append(f"not accepted after {when(self.last_day)}")
        return ", ".join(words)


@dataclass(frozen=True)
class Assignment:
    """Stages handed in together by one due date (their written parts with them)."""

    id: str
    title: str
    stages: tuple[str, ...]
    """Stage ids, in course order."""
    due: datetime | None
    release: datetime | None = None
    late: LatePolicy = LatePolicy()


@dataclass(frozen=True)
class Lateness:
    """When a submission came in against its due date, and what the policy takes."""

    submitted: datetime | None
    """None: no time could be found (the submission is graded as on time, and named)."""
    source: str
    """Where the time came from: "Gradescope", "nbgrader", "git", "times CSV", or ""."""
    due: datetime | None
    extended: bool = False
    """The due date is the student's extension, not the assignment's."""
    policy: LatePolicy = LatePolicy()

    @property
    def days(self) -> int:
        """Whole days late, a part of a day counting as one; 0 when on time."""
        if self.submitted is None or self.due is None or self.submitted <= self.due:
            return 0
        return math.ceil((self.submitted - self.due) / DAY)

    @property
    def accepted(self) -> bool:
        last = self.policy.last_day
        if self.submitted is None or last is None or not self.days:
            return True
        return self.submitted <= last

    @property
    def fraction(self) -> float:
        """The share of the points taken: 1 when not accepted."""
        if not self.accepted:
            return 1.0
        return min(self.policy.cap, self.days * self.policy.penalty)

    def apply(self, score: float) -> float:
        return round(score * (1 - self.fraction), 6)

    @property
    def status(self) -> str:
        """One word for tables: on time, late, not accepted, no time."""
        if self.submitted is None:
            return "no time" if self.due is not None else ""
        if not self.accepted:
            return "not accepted"
        return "late" if self.days else "on time"

    def words(self, score: float, max_score: float) -> str:
        """The student's sentence: "2 days late: −20%, 48/60 → 38.4/60"."""
        total = f"{number(score)}/{number(max_score)} → {number(self.apply(score))}/" \
                f"{number(max_score)}"
        due = f"due {when(self.due)}" + (" (your extension)" if self.extended else "") \
            if self.due is not None else ""
        if self.due is None:
            return ""
        if self.submitted is None:
            return f"No submission time was found ({due}): graded as on time."
        handed = f"handed in {when(self.submitted)}, {due}"
        if not self.days:
            return f"On time: {handed}."
        late = f"{self.days} day{'s' if self.days > 1 else ''} late"
        if not self.accepted:
            return (f"{late}, after the last day ({when(self.policy.last_day)}): not accepted, "
                    f"{total} ({handed}).")
        if not self.fraction:
            return f"{late}, without penalty ({handed})."
        return f"{late}: −{_percent(self.fraction)}, {total} ({handed})."


def when(moment: datetime | None) -> str:
    """A moment as people read it: 2027-01-18 23:59 UTC (or its own offset)."""
    if moment is None:
        return ""
    zone = moment.strftime("%Z") or moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M") + (f" {zone}" if zone else "")


def number(value: float) -> str:
    return f"{round(value, 6):g}"


def _percent(share: float) -> str:
    return f"{number(share * 100)}%"
