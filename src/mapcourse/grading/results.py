"""What grading found, as plain data: tests within stages within submissions.

The JSON shape is the contract's (`mapcourse grade --format json`); every reporter
(table, CSV, Gradescope, feedback) reads these objects and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TestResult:
    """One test group: all of its cases must pass for its points."""

    name: str
    score: float
    max_score: float
    status: str
    message: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "score": self.score, "max_score": self.max_score,
                "status": self.status, "message": self.message}


@dataclass(frozen=True)
class StageResult:
    """One stage of one submission."""

    stage: str
    max_score: int
    status: str
    tests: tuple[TestResult, ...] = ()
    message: str = ""
    output: str = ""  # the start of what the stage's code printed (never parsed)
    output_bytes: int = 0  # how many bytes it printed in all
    note: str = ""  # which file of an upload was graded, and which were ignored

    @property
    def score(self) -> float:
        return round(sum(test.score for test in self.tests), 6) if self.status == "graded" else 0.0

    def to_json(self) -> dict:
        data = {"stage": self.stage, "score": self.score, "max_score": self.max_score,
                "status": self.status, "tests": [test.to_json() for test in self.tests]}
        if self.message:
            data["message"] = self.message
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class SubmissionResult:
    """Every stage of one submission, in course order."""

    id: str
    stages: tuple[StageResult, ...]
    max_score: int
    seconds: float = field(default=0.0, compare=False)  # wall time its grading took

    @property
    def score(self) -> float:
        return round(sum(stage.score for stage in self.stages), 6)

    def stage(self, stage_id: str) -> StageResult:
        return next(stage for stage in self.stages if stage.stage == stage_id)

    def to_json(self) -> dict:
        return {"id": self.id, "score": self.score, "max_score": self.max_score,
                "stages": [stage.to_json() for stage in self.stages]}


@dataclass(frozen=True)
class GradeReport:
    """A grading run: one result per submission, and how the code was isolated.

    `sandbox` names the isolation in words and `level` is its short name, both as
    `mapcourse.sandbox.levels` chose them.
    """

    max_score: int
    submissions: tuple[SubmissionResult, ...]
    sandbox: str
    level: str

    def to_json(self) -> dict:
        return {"max_score": self.max_score,
                "submissions": [submission.to_json() for submission in self.submissions],
                "sandbox": self.sandbox, "isolation_level": self.level}
