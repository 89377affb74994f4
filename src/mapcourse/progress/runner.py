"""Running the visible tests of some stages, each in its own pytest process, in parallel.

A subprocess per stage keeps stages apart (a stage that hangs or crashes spoils only
itself) and lets `check --watch` re-import the student's files on every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course, Stage
from mapcourse.progress.workspace import stage_dir

TIME_LIMIT = 120.0  # seconds for one stage's visible tests
OUT = "MAPCOURSE_PROGRESS_OUT"  # where the plugin writes the outcomes


@dataclass(frozen=True)
class TestOutcome:
    """One visible test case: `test` is the test function, `case` its parameters' id."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    test: str
    case: str
    status: str  # passed, failed, not-implemented, error or skipped
    message: str

    @property
    def title(self) -> str:
        """The test's name as a sentence: `mle is the fraction of heads [fair]`."""
        words = self.test.removeprefix("test_").replace("_", " ") or "loading the stage"
        return f"{words} [{self.case}]" if self.case else words


def visible_tests(course: Course, stage: Stage) -> Path:
    return course.exercises_dir / f"test_{stage.id}.py"


def run_stages(course: Course, stages: list[Stage]) -> dict[str, tuple[TestOutcome, ...]]:
    """The outcomes of each stage's visible tests (stage id -> outcomes, in test order).

    All stages start at once: their time goes mostly to imports (torch's alone takes
    seconds), so the slowest stage should not wait for a free core to begin.
    """
    with ThreadPoolExecutor(max(1, len(stages))) as pool:
        outcomes = pool.map(lambda stage: run_stage(course, stage), stages)
        return {stage.id: result for stage, result in zip(stages, outcomes, strict=True)}


def run_stage(course: Course, stage: Stage) -> tuple[TestOutcome, ...]:
    """Run `pytest exercises/test_<stage>.py` with the progress plugin; read its outcomes.

    Installed pytest plugins are not loaded: hypothesis's alone takes a second to import.
    `--import-mode=append` keeps exercises/ behind the stage folder that conftest.py puts
    first on sys.path, so that $MAPCOURSE_STAGE_DIR is where the stage files come from.
    """
    with tempfile.TemporaryDirectory(prefix="mapcourse-check-") as scratch:
        out = Path(scratch) / "outcomes.jsonl"
        env = os.environ | {OUT: str(out), "MAPCOURSE_STAGE_DIR": str(stage_dir(course)),
                            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        command = [sys.executable, "-P", "-m", "pytest", str(visible_tests(course, stage)),
                   "-q", "-p", "mapcourse.progress.plugin", "-p", "no:cacheprovider",
                   "--rootdir", str(course.root), "--import-mode=append"]
        try:
            done = subprocess.run(command, cwd=course.root, env=env, capture_output=True,
                                  text=True, timeout=TIME_LIMIT, check=False)
        except subprocess.TimeoutExpired:
            return (TestOutcome("", "", "error", (
                f"the tests of {stage.filename} did not finish within {TIME_LIMIT:.0f} s: "
                "look for a loop that never ends, or work that grows far too fast.")),)
        records = out.read_text().splitlines() if out.is_file() else []
    outcomes = tuple(TestOutcome(**json.loads(line)) for line in records)
    if not outcomes and done.returncode not in (0, 5):
        last = (done.stdout.strip() or done.stderr.strip() or "no output").splitlines()[-1]
        return (TestOutcome("", "", "error", f"pytest could not run the tests: {last}"),)
    return outcomes
