"""Where a student stands: the status of each stage, from its visible tests.

A stage is `not started` while its file is the stub as released (then nothing runs)
or while every test fails with NotImplementedError; `passed` when every test passes;
`failing` otherwise; `no tests` when it has no visible tests. Results are kept in
`.mapcourse/results.json` under a digest of every file they depend on and of the
environment they ran in (the Python, and the version of each package the files import),
so a stage runs again only when one of those changed; and a stage that does run, runs in
a warm helper process when one is up (mapcourse.progress.server).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course, Stage
from mapcourse.progress import server
from mapcourse.progress.runner import CheckCancelled, TestOutcome, run_stages, visible_tests
from mapcourse.progress.workspace import (
    RESULTS,
    digest,
    is_pristine,
    read_state,
    stage_dir,
    write_state,
)

__all__ = ["FAILING", "NOT_STARTED", "NO_TESTS", "PASSED", "CheckCancelled", "StageProgress",
           "TestOutcome", "check_progress", "current_stage", "status_of"]

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


def check_progress(course: Course, stages: list[Stage] | None = None, *, warm: bool = False,
                   cancel: threading.Event | None = None) -> list[StageProgress]:
    """The progress of the given stages (all by default), running only what changed.

    `warm` keeps torch imported in this process for the runs to come (`check --watch`);
    setting `cancel` stops the run (CheckCancelled), and nothing is stored.
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
    fresh = _run(course, [stage for stage in stages if stage.id in to_run], warm=warm,
                 cancel=cancel)
    for stage_id, tests in fresh.items():
        known[stage_id] = StageProgress(course.stage(stage_id), status_of(tests), tests)
        cache[stage_id] = {"key": to_run[stage_id], "tests": [vars(test) for test in tests]}
    if fresh:
        write_state(course, RESULTS, cache)
    return [known[stage.id] for stage in stages]


def _run(course: Course, stages: list[Stage], *, warm: bool, cancel: threading.Event | None
         ) -> dict[str, tuple[TestOutcome, ...]]:
    """Run the stages: through the course's warm helper when one is up (see
    mapcourse.progress.server), else here, and then start one for the checks to come.
    `warm` (`check --watch`) is its own warm process and uses no helper."""
    if warm or not server.enabled():
        return run_stages(course, stages, warm=warm, cancel=cancel)
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
    """SHA-256 over every file the stage's results depend on (its stage file, the stage
    files and helpers it imports, its visible tests, conftest.py, mapcourse.checks and
    mapcourse.visible) and over the environment they run in (`environment`)."""
    folder = stage_dir(course)
    local = _local_imports(folder, stage.filename)
    files = [folder / stage.filename, visible_tests(course, stage),
             course.exercises_dir / "conftest.py", *local]
    for module in ("mapcourse.checks", "mapcourse.visible"):  # conftest.py's helpers
        if spec := importlib.util.find_spec(module):
            files.append(Path(str(spec.origin)))
    parts = [f"{path.name}:{digest(path)}" for path in files]
    parts += environment([folder / stage.filename, visible_tests(course, stage), *local],
                         {path.stem for path in local} | {s.id for s in course.stages})
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def environment(files: list[Path], own: set[str]) -> list[str]:
    """The Python (its path and version) and each package the files import at their top
    level, but the student's `own` modules, with its version: `numpy=2.1.0`, `torch=...`,
    `scipy=missing`. So installing or upgrading a package makes the stage run again."""
    names = set().union(*(_top_level_imports(path) for path in files)) - own
    names -= set(sys.stdlib_module_names)
    return [f"python={sys.executable}", f"version={sys.version}",
            *(f"{name}={_installed(name)}" for name in sorted(names))]


def _installed(name: str) -> str:
    """A package's version, where its file is when it has no metadata, or "missing"."""
    try:
        return importlib.metadata.version(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        pass
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    return "missing" if spec is None else f"{spec.origin}"


def _top_level_imports(path: Path) -> set[str]:
    """The modules a file imports at its top level (in its body, or its `if` and `try`
    blocks), by their first name; absolute imports only."""
    try:
        body = list(ast.parse(path.read_text()).body)
    except (OSError, SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    while body:
        node = body.pop()
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.If | ast.Try):
            body += [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                     *(line for handler in getattr(node, "handlers", []) for line in handler.body)]
    return names


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
