"""Running the visible tests of some stages, each in its own pytest process, in parallel.

A process per stage keeps stages apart (a stage that hangs or crashes spoils only
itself) and lets `check --watch` re-import the student's files on every run.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
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


def run_stages(course: Course, stages: list[Stage], *, warm: bool = False
               ) -> dict[str, tuple[TestOutcome, ...]]:
    """The outcomes of each stage's visible tests (stage id -> outcomes, in test order).

    All stages start at once: their time goes mostly to imports (torch's alone takes
    seconds), so the slowest stage should not wait for a free core to begin. On Linux
    each stage runs in a child forked from this process once pytest and numpy are
    imported here, so no stage pays for them again; with `warm` (for `check --watch`,
    which runs again and again) torch is imported and exercised here too, once. The
    stage files are only ever imported in the children, so every run sees them fresh.
    Elsewhere each stage runs in a new Python process.
    """
    if not stages:
        return {}
    if not FORK:
        with ThreadPoolExecutor(len(stages)) as pool:
            outcomes = pool.map(lambda stage: run_stage(course, stage), stages)
            return {stage.id: result for stage, result in zip(stages, outcomes, strict=True)}
    preload(warm and uses_torch(course, stages))
    with tempfile.TemporaryDirectory(prefix="mapcourse-check-") as scratch:
        children = {stage.id: _fork_stage(course, stage, Path(scratch)) for stage in stages}
        ended = _wait(children)
        return {stage.id: _outcomes(stage, Path(scratch), ended[stage.id]) for stage in stages}


FORK = sys.platform == "linux"


def uses_torch(course: Course, stages: list[Stage]) -> bool:
    """Whether the visible tests of any of the stages mention torch."""
    return any("torch" in visible_tests(course, stage).read_text() for stage in stages
               if visible_tests(course, stage).is_file())


def warm_up(course: Course, stages: list[Stage]) -> None:
    """For `check --watch`: import what the stages' tests need now, torch included."""
    if FORK:
        preload(uses_torch(course, stages))


def preload(warm: bool) -> None:
    """Import what every stage's tests need (and, when warm, torch with an optimizer step)."""
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    import mapcourse.checks  # noqa: F401

    if warm:
        import torch

        model = torch.nn.Linear(2, 1)
        model(torch.zeros(1, 2)).sum().backward()
        torch.optim.Adam(model.parameters()).step()  # the first step imports torch._dynamo
    gc.freeze()  # the children's collections skip all of this (and copy none of it)


def _command(course: Course, stage: Stage) -> list[str]:
    """pytest's arguments. Its unraisable-exception plugin is left out: it runs gc.collect()
    five times at the end, about a second once torch is imported."""
    return [str(visible_tests(course, stage)), "-q", "-p", "mapcourse.progress.plugin",
            "-p", "no:cacheprovider", "-p", "no:unraisableexception", "--rootdir",
            str(course.root), "--import-mode=append"]


def _environment(course: Course, out: Path) -> dict[str, str]:
    return {OUT: str(out), "MAPCOURSE_STAGE_DIR": str(stage_dir(course)),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def _fork_stage(course: Course, stage: Stage, scratch: Path) -> int:
    """Start the stage's tests in a forked child (its own session); the child's pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        import pytest

        os.setsid()
        output = os.open(scratch / f"{stage.id}.log", os.O_WRONLY | os.O_CREAT, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.chdir(course.root)
        os.environ.update(_environment(course, scratch / f"{stage.id}.jsonl"))
        sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
        _forget_course_modules(course)
        code = int(pytest.main(_command(course, stage)))
    except BaseException:  # noqa: BLE001 - a forked child must never return to the caller
        code = 70
    finally:
        os._exit(code)


def _forget_course_modules(course: Course) -> None:
    """Drop modules this process imported under a stage's or a visible test's name, or
    from the student's folders, so the child imports the student's files afresh."""
    names = {"conftest"} | {stage.id for stage in course.stages} | {
        f"test_{stage.id}" for stage in course.stages}
    folders = {course.exercises_dir.resolve(), stage_dir(course)}
    spelled = {str(folder) for folder in folders} | {str(course.exercises_dir)}
    leaves = {folder.name for folder in folders} | {course.exercises_dir.name}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        parent = os.path.dirname(path) if isinstance(path, str) else ""
        # resolving every module's path would take a third of a second: only a folder
        # with the right name can be one of the student's, under another spelling
        if name in names or parent in spelled or (
                os.path.basename(parent) in leaves and Path(parent).resolve() in folders):
            del sys.modules[name]


def _wait(children: dict[str, int]) -> dict[str, int | None]:
    """Wait for the children; their exit codes, None for one stopped at the time limit."""
    handles = {os.pidfd_open(pid): stage_id for stage_id, pid in children.items()}
    ended: dict[str, int | None] = {}
    deadline = time.monotonic() + TIME_LIMIT
    try:
        while handles:
            ready, _, _ = select.select(list(handles), [], [],
                                        max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            for handle in ready:
                stage_id = handles.pop(handle)
                os.close(handle)
                _, status = os.waitpid(children[stage_id], 0)
                ended[stage_id] = os.waitstatus_to_exitcode(status)
    finally:
        for handle, stage_id in handles.items():  # over time (or interrupted): stop them
            with contextlib.suppress(OSError):
                os.killpg(children[stage_id], signal.SIGKILL)
            os.waitpid(children[stage_id], 0)
            os.close(handle)
            ended[stage_id] = None
    return ended


def _outcomes(stage: Stage, scratch: Path, code: int | None) -> tuple[TestOutcome, ...]:
    if code is None:
        return _over_time(stage)
    out = scratch / f"{stage.id}.jsonl"
    records = out.read_text().splitlines() if out.is_file() else []
    log = scratch / f"{stage.id}.log"
    output = log.read_text(errors="replace") if log.is_file() else ""
    return _read(records, code, output)


def _over_time(stage: Stage) -> tuple[TestOutcome, ...]:
    return (TestOutcome("", "", "error", (
        f"the tests of {stage.filename} did not finish within {TIME_LIMIT:.0f} s: "
        "look for a loop that never ends, or work that grows far too fast.")),)


def _read(records: list[str], code: int, output: str) -> tuple[TestOutcome, ...]:
    outcomes = tuple(TestOutcome(**json.loads(line)) for line in records)
    if not outcomes and code not in (0, 5):
        last = (output.strip() or "no output").splitlines()[-1]
        return (TestOutcome("", "", "error", f"pytest could not run the tests: {last}"),)
    return outcomes


def run_stage(course: Course, stage: Stage) -> tuple[TestOutcome, ...]:
    """Run `pytest exercises/test_<stage>.py` with the progress plugin in a new process.

    Installed pytest plugins are not loaded: hypothesis's alone takes a second to import.
    `--import-mode=append` keeps exercises/ behind the stage folder that conftest.py puts
    first on sys.path, so that $MAPCOURSE_STAGE_DIR is where the stage files come from.
    """
    with tempfile.TemporaryDirectory(prefix="mapcourse-check-") as scratch:
        out = Path(scratch) / "outcomes.jsonl"
        env = os.environ | _environment(course, out)
        command = [sys.executable, "-P", "-m", "pytest", *_command(course, stage)]
        try:
            done = subprocess.run(command, cwd=course.root, env=env, capture_output=True,
                                  text=True, timeout=TIME_LIMIT, check=False)
        except subprocess.TimeoutExpired:
            return _over_time(stage)
        records = out.read_text().splitlines() if out.is_file() else []
    return _read(records, done.returncode, done.stdout + done.stderr)
