"""Where a student stands: the status of each stage, from its visible tests.

A stage is `not started` while its file is the stub as released (then nothing runs)
or while every test fails with NotImplementedError; `passed` when every test passes;
`failing` otherwise; `no tests` when it has no visible tests. Results are kept in
`.mapcourse/results.json` under a digest of every file they depend on, so a stage
runs again only when one of those files changed; and a stage that does run, runs in a
warm helper process when one is up (mapcourse.progress.server).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course, Stage
from mapcourse.progress import server
from mapcourse.progress.runner import TestOutcome, run_stages, visible_tests
from mapcourse.progress.workspace import (
    RESULTS,
    digest,
    is_pristine,
    read_state,
    stage_dir,
    write_state,
)

__all__ = ["FAILING", "NOT_STARTED", "NO_TESTS", "PASSED", "StageProgress", "TestOutcome",
           "check_progress", "current_stage", "status_of"]

PASSED, FAILING, NOT_STARTED, NO_TESTS = "passed", "failing", "not started", "no tests"


@dataclass(frozen=True)
class StageProgress:
    """One stage's status and the outcomes of its visible tests (empty when not run)."""

    stage: Stage
    status: str
    tests: tuple[TestOutcome, ...] = ()

    @property
    def passed(self) -> int:
        return sum(test.status == "passed" for test in self.tests)

    @property
    def first_failure(self) -> TestOutcome | None:
        """The first test that did not pass, preferring a real failure to a missing function."""
        problems = [test for test in self.tests if test.status not in ("passed", "skipped")]
        wrong = [test for test in problems if test.status != "not-implemented"]
        return (wrong or problems or [None])[0]


def check_progress(course: Course, stages: list[Stage] | None = None, *, warm: bool = False
                   ) -> list[StageProgress]:
    """The progress of the given stages (all by default), running only what changed.

    `warm` keeps torch imported in this process for the runs to come (`check --watch`).
    """
    stages = list(course.stages if stages is None else stages)
    cache = read_state(course, RESULTS)
    known: dict[str, StageProgress] = {}
    to_run: dict[str, str] = {}
    for stage in stages:
        if not visible_tests(course, stage).is_file():
            known[stage.id] = StageProgress(stage, NO_TESTS)
        elif is_pristine(course, stage):
            known[stage.id] = StageProgress(stage, NOT_STARTED)
        else:
            key = inputs_digest(course, stage)
            if (tests := _cached(cache.get(stage.id), key)) is not None:
                known[stage.id] = StageProgress(stage, status_of(tests), tests)
            else:
                to_run[stage.id] = key
    fresh = _run(course, [stage for stage in stages if stage.id in to_run], warm=warm)
    for stage_id, tests in fresh.items():
        known[stage_id] = StageProgress(course.stage(stage_id), status_of(tests), tests)
        cache[stage_id] = {"key": to_run[stage_id], "tests": [vars(test) for test in tests]}
    if fresh:
        write_state(course, RESULTS, cache)
    return [known[stage.id] for stage in stages]


def _run(course: Course, stages: list[Stage], *, warm: bool
         ) -> dict[str, tuple[TestOutcome, ...]]:
    """Run the stages: through the course's warm helper when one is up (see
    mapcourse.progress.server), else here, and then start one for the checks to come.
    `warm` (`check --watch`) is its own warm process and uses no helper."""
    if warm or not server.enabled():
        return run_stages(course, stages, warm=warm)
    if stages and (outcomes := server.request(course, stages)) is not None:
        return outcomes
    outcomes = run_stages(course, stages)
    if stages or not server.is_up(course):
        server.start(course)
    return outcomes


def _cached(entry: object, key: str) -> tuple[TestOutcome, ...] | None:
    """The outcomes kept for a stage if they were computed from the same files."""
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    try:
        return tuple(TestOutcome(**test) for test in entry["tests"])
    except (KeyError, TypeError):
        return None


def current_stage(progress: list[StageProgress]) -> StageProgress | None:
    """The stage to work on: the first that is failing or not started (None if none is)."""
    return next((stage for stage in progress if stage.status in (FAILING, NOT_STARTED)), None)


def status_of(tests: tuple[TestOutcome, ...]) -> str:
    """passed if every test passed, not started if every other one is not implemented."""
    if not tests:
        return NO_TESTS
    if all(test.status in ("passed", "skipped") for test in tests):
        return PASSED
    if all(test.status == "not-implemented" for test in tests):
        return NOT_STARTED
    return FAILING


def inputs_digest(course: Course, stage: Stage) -> str:
    """SHA-256 over every file the stage's results depend on: its stage file, the stage
    files and helpers it imports, its visible tests, conftest.py and mapcourse.checks."""
    folder = stage_dir(course)
    files = [folder / stage.filename, visible_tests(course, stage),
             course.exercises_dir / "conftest.py", *_local_imports(folder, stage.filename)]
    if spec := importlib.util.find_spec("mapcourse.checks"):
        files.append(Path(str(spec.origin)))
    parts = [f"{path.name}:{digest(path)}" for path in files]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _local_imports(folder: Path, filename: str, seen: set[str] | None = None) -> list[Path]:
    """The student's own modules (in `folder`) that `filename` imports, transitively."""
    seen = seen if seen is not None else {filename}
    try:
        tree = ast.parse((folder / filename).read_text())
    except (OSError, SyntaxError, ValueError):
        return []
    names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module.split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    found = []
    for name in sorted(names):
        if (folder / f"{name}.py").is_file() and f"{name}.py" not in seen:
            seen.add(f"{name}.py")
            found += [folder / f"{name}.py", *_local_imports(folder, f"{name}.py", seen)]
    return found
