"""A graded class as the facts its report shows: plain data, computed from the results.

The test groups are sorted by how often they failed, each with the concept its stage
teaches and its most frequent failure messages (grouped with their numbers left out, so
`mle(3, 1)` and `mle(7, 2)` returning the same wrong thing count as one message).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import mean, median

from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult
from mapcourse.manifest import Course, Stage

SLOWEST = 5  # submissions listed as the slowest
MESSAGES = 3  # failure messages shown per test group
# How a stage process that died mid-test, and a submission the grader could not grade,
# are worded (mapcourse.sandbox.handle, mapcourse.grading.pool).
CRASH_WORDS = ("ended the student's process", "the grader could not grade")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Message:
    """A failure message as one student saw it, and how many had one like it."""

    example: str
    count: int
    students: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    """One test group across the class: how many ran it and how many failed it."""

    stage: Stage
    name: str
    concept: str  # the title of the textbook page that teaches the stage's idea
    points: float
    docstring: str
    ran: int
    failed: int
    statuses: dict[str, int]
    messages: tuple[Message, ...]

    @property
    def failure_rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0


@dataclass(frozen=True)
class Problem:
    """A submission's stage that could not be graded as written, or a test that stopped."""

    student: str
    stage: Stage
    detail: str


@dataclass(frozen=True)
class StageSummary:
    stage: Stage
    concept: str  # the title of the textbook page that teaches the stage's idea
    scores: tuple[float, ...]
    graded: int
    full_marks: int

    @property
    def mean(self) -> float:
        return mean(self.scores) if self.scores else 0.0


@dataclass(frozen=True)
class ClassSummary:
    title: str
    max_score: int
    sandbox: str
    submissions: tuple[SubmissionResult, ...]
    stages: tuple[StageSummary, ...]
    groups: tuple[Group, ...]  # most often failed first
    problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    slowest: tuple[SubmissionResult, ...] = ()

    @property
    def totals(self) -> tuple[float, ...]:
        return tuple(submission.score for submission in self.submissions)

    @property
    def median_total(self) -> float:
        return median(self.totals) if self.totals else 0.0


def summarise(report: GradeReport, course: Course) -> ClassSummary:
    """Every fact the report shows about `report`, graded against `course`."""
    stages = []
    for stage in course.stages:
        results = [submission.stage(stage.id) for submission in report.submissions]
        stages.append(StageSummary(
            stage, concept_title(course, stage), tuple(result.score for result in results),
            sum(result.status == "graded" for result in results),
            sum(result.score == result.max_score for result in results)))
    groups = [group for stage in course.stages for group in _groups(report, course, stage)]
    groups.sort(key=lambda group: (-group.failure_rate, -group.failed))
    slowest = sorted(report.submissions, key=lambda submission: -submission.seconds)
    return ClassSummary(course.title, report.max_score, report.sandbox, report.submissions,
                        tuple(stages), tuple(groups), problems(report, course),
                        tuple(s for s in slowest[:SLOWEST] if s.seconds > 0))


def problems(report: GradeReport, course: Course) -> dict[str, tuple[Problem, ...]]:
    """Missing files, import errors, timeouts and crashes, each with the students concerned."""
    found: dict[str, list[Problem]] = {"missing files": [], "import errors": [],
                                       "timeouts": [], "crashes": []}
    for submission in report.submissions:
        for stage, result in zip(course.stages, submission.stages, strict=True):
            if result.status == "missing":
                found["missing files"].append(Problem(submission.id, stage, stage.filename))
            elif result.status == "import-error":
                found["import errors"].append(Problem(submission.id, stage, result.message))
            for test in result.tests:
                if test.status == "timeout":
                    found["timeouts"].append(Problem(submission.id, stage, test.name))
                elif test.status == "error" and any(words in test.message
                                                    for words in CRASH_WORDS):
                    found["crashes"].append(Problem(submission.id, stage,
                                                    f"{test.name}: {test.message}"))
    return {kind: tuple(found_) for kind, found_ in found.items()}


def _groups(report: GradeReport, course: Course, stage: Stage) -> list[Group]:
    docstrings, concept = hidden_docstrings(course, stage), concept_title(course, stage)
    graded: list[tuple[str, StageResult]] = [
        (submission.id, submission.stage(stage.id)) for submission in report.submissions
        if submission.stage(stage.id).status == "graded"]
    names = list(dict.fromkeys(test.name for _, result in graded for test in result.tests))
    groups = []
    for name in names:
        tests = [(student, test) for student, result in graded for test in result.tests
                 if test.name == name]
        failed = [(student, test) for student, test in tests if test.status != "passed"]
        groups.append(Group(stage, name, concept, max(test.max_score for _, test in tests),
                            docstrings.get(name, ""), len(tests), len(failed),
                            dict(Counter(test.status for _, test in tests)),
                            _messages(failed)))
    return groups


def _messages(failed: list) -> tuple[Message, ...]:
    by_pattern: dict[str, list[tuple[str, str]]] = {}
    for student, test in failed:
        by_pattern.setdefault(_NUMBER.sub("#", test.message), []).append((student, test.message))
    ranked = sorted(by_pattern.values(), key=len, reverse=True)[:MESSAGES]
    return tuple(Message(Counter(message for _, message in seen).most_common(1)[0][0],
                         len(seen), tuple(student for student, _ in seen)) for seen in ranked)


def hidden_docstrings(course: Course, stage: Stage) -> dict[str, str]:
    """Each hidden test group's docstring (its first paragraph), by the group's readable
    name; never any other line of the suite."""
    from mapcourse.grading.runner import readable  # pytest and the rest: only when asked

    try:
        tree = ast.parse(course.hidden_suite(stage).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return {}
    return {readable(node.name): doc.split("\n\n")[0].strip() for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_") and (doc := ast.get_docstring(node))}


def concept_title(course: Course, stage: Stage) -> str:
    """The first heading of the textbook page named by the stage's `concept`."""
    page = course.root / "docs" / stage.concept
    try:
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].replace("`", "").strip()
    except OSError:
        pass
    return stage.concept
