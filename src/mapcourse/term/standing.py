"""One submission's place in an assignment: its autograded and written points, when it
was handed in, and what the late policy leaves of them.

`Term` gathers, before grading, what is known of every submission (its time, its due
date with any extension, its written points); `Term.standing(result)` adds the grader's
result. Every output of a run reads standings: the table, grades.csv, feedback,
Gradescope's results, class.json, the report and the gradebooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from mapcourse.grading.results import SubmissionResult
from mapcourse.manifest import Course
from mapcourse.term.policy import Assignment, Lateness, LatePolicy, number, when
from mapcourse.term.times import Handed, handed_in
from mapcourse.term.written import Written, for_submission


@dataclass(frozen=True)
class Standing:
    id: str
    autograded: float
    autograded_max: int
    written: tuple[Written, ...] = ()
    lateness: Lateness = Lateness(None, "", None)

    @property
    def written_score(self) -> float:
        return round(sum(part.score for part in self.written), 6)

    @property
    def raw(self) -> float:
        """Autograded and written points, before any late penalty."""
        return round(self.autograded + self.written_score, 6)

    @property
    def max_score(self) -> int:
        return self.autograded_max + sum(part.max_points for part in self.written)

    @property
    def total(self) -> float:
        return self.lateness.apply(self.raw)

    @property
    def unmarked(self) -> tuple[str, ...]:
        return tuple(part.stage for part in self.written if part.points is None)

    def late_words(self) -> str:
        return self.lateness.words(self.raw, self.max_score)

    def to_json(self) -> dict:
        late = self.lateness
        return {"autograded": self.autograded, "autograded_max": self.autograded_max,
                "written": [{"stage": part.stage, "points": part.points,
                             "max_points": part.max_points, "comment": part.comment}
                            for part in self.written],
                "raw": self.raw, "max_score": self.max_score, "total": self.total,
                "submitted": late.submitted.isoformat() if late.submitted else None,
                "time_source": late.source,
                "due": late.due.isoformat() if late.due else None,
                "extended": late.extended, "days_late": late.days,
                "penalty": late.fraction, "accepted": late.accepted, "status": late.status,
                "late": self.late_words(),
                "policy": {"penalty": late.policy.penalty, "cap": late.policy.cap,
                           "last_day": late.policy.last_day.isoformat()
                           if late.policy.last_day else None}}

    @classmethod
    def from_json(cls, submission_id: str, data: dict) -> Standing:
        def moment(key: str, table: dict = data) -> datetime | None:
            return datetime.fromisoformat(table[key]) if table.get(key) else None

        rules = data.get("policy", {})
        policy = LatePolicy(float(rules.get("penalty", 0)), float(rules.get("cap", 1)),
                            moment("last_day", rules))

        return cls(submission_id, float(data["autograded"]), int(data["autograded_max"]),
                   tuple(Written(part["stage"], int(part["max_points"]), part["points"],
                                 part.get("comment", "")) for part in data["written"]),
                   Lateness(moment("submitted"), data.get("time_source", ""), moment("due"),
                            bool(data.get("extended")), policy))


@dataclass(frozen=True)
class Term:
    """What a run knows of each submission before grading it."""

    course: Course
    """The course as graded: only the assignment's stages."""
    assignment: Assignment | None = None
    handed: dict[str, Handed] = field(default_factory=dict)
    extensions: dict[tuple[str, str], datetime] = field(default_factory=dict)
    written: dict[tuple[str, str], Written] = field(default_factory=dict)
    marks_written: bool = False
    """Written points were given (a CSV): the written parts count, marked or not."""

    @classmethod
    def gather(cls, course: Course, assignment: Assignment | None,
               folders: dict[str, Path], times: dict[str, datetime] | None = None,
               extensions: dict[tuple[str, str], datetime] | None = None,
               written: dict[tuple[str, str], Written] | None = None, zone=None) -> Term:
        handed = {}
        if assignment is not None:
            handed = {sid: handed_in(folder, sid, times, zone) if zone else
                      handed_in(folder, sid, times) for sid, folder in folders.items()}
        return cls(course, assignment, handed, extensions or {}, written or {},
                   marks_written=written is not None)

    @property
    def active(self) -> bool:
        """Whether the run is more than the contract's grading: an assignment or written
        points, whose columns and sentences the outputs then add."""
        return self.assignment is not None or self.marks_written

    def lateness(self, submission_id: str) -> Lateness:
        if self.assignment is None:
            return Lateness(None, "", None)
        handed = self.handed.get(submission_id, Handed(None))
        extended = self.extensions.get((submission_id, self.assignment.id))
        policy = self.assignment.late
        if extended is not None and policy.last_day is not None and self.assignment.due \
                and extended > self.assignment.due:
            # an extension moves the last day with the due date: the late window keeps its length
            policy = replace(policy, last_day=policy.last_day + (extended - self.assignment.due))
        return Lateness(handed.submitted, handed.source, extended or self.assignment.due,
                        extended is not None, policy)

    def standing(self, result: SubmissionResult) -> Standing:
        written = for_submission(result.id, self.course, self.written) \
            if self.marks_written else ()
        return Standing(result.id, result.score, result.max_score, written,
                        self.lateness(result.id))

    @property
    def no_time(self) -> list[str]:
        """Submissions with no time found, for the instructor's note."""
        return sorted(sid for sid, handed in self.handed.items() if handed.submitted is None)

    def describe(self) -> str:
        """The assignment in one line, for tables and the report."""
        if self.assignment is None:
            return ""
        a = self.assignment
        return (f"{a.title}: stages {', '.join(str(self.course.stage(s).number) for s in a.stages)}"
                f", due {when(a.due)}; {a.late.describe()}")


def score_cell(standing: Standing) -> str:
    """The total as a table shows it: 38.4 (48, −20%)."""
    if standing.lateness.fraction:
        return f"{number(standing.total)} ({number(standing.raw)}, " \
               f"−{number(standing.lateness.fraction * 100)}%)"
    return number(standing.total)
