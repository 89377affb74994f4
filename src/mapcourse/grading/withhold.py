"""The last fence: no line of the course's hidden code in anything a student reads.

What a stage prints and the messages of its exceptions are the student's own text, and
they reach the feedback, the JSON and Gradescope's results. Under bubblewrap a stage
cannot see the course, so they cannot hold its hidden suites or solutions; with weaker
isolation (an unprivileged user who can still read another copy of the course elsewhere
on the machine, or `--no-sandbox`) they could. So every student-facing text of a result
has each line of the hidden suites and the solutions that it contains withheld, whatever
the isolation. Lines the students already have (the stubs, the visible tests) and short
lines (`return total`, `import numpy as np`) are not hidden and stay.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mapcourse.grading.results import StageResult, SubmissionResult
from mapcourse.manifest import Course

SHORTEST = 20  # characters: a shorter line says too little to be worth withholding
WITHHELD = "[withheld: a line of the course's hidden code]"


def _lines(folder: Path) -> set[str]:
    return {line.strip() for path in sorted(folder.glob("*.py"))
            for line in path.read_text(errors="replace").splitlines()}


class HiddenLines:
    """The hidden suites' and solutions' lines of at least SHORTEST characters that no
    student file (stub, visible test) holds, longest first."""

    def __init__(self, course: Course) -> None:
        hidden = _lines(course.hidden_tests_dir) | _lines(course.solutions_dir)
        public = _lines(course.exercises_dir)
        self.lines = sorted((line for line in hidden - public if len(line) >= SHORTEST),
                            key=len, reverse=True)

    def text(self, text: str) -> str:
        """text with every hidden line it contains replaced by WITHHELD."""
        if len(text) < SHORTEST:
            return text
        for line in self.lines:
            if line in text:
                text = text.replace(line, WITHHELD)
        return text

    def stage(self, stage: StageResult) -> StageResult:
        tests = tuple(replace(test, message=self.text(test.message)) for test in stage.tests)
        return replace(stage, tests=tests, message=self.text(stage.message),
                       output=self.text(stage.output))

    def submission(self, result: SubmissionResult) -> SubmissionResult:
        """The result with its student-facing texts cleared of hidden lines."""
        return replace(result, stages=tuple(self.stage(stage) for stage in result.stages))
