"""Running the visible tests of some stages, each in its own process, all at once.

A process per stage keeps stages apart (a stage that hangs or crashes spoils only
itself) and lets `check --watch` re-import the student's files on every run. Each test
has the grader's per-test time limit (mapcourse.progress.watchdog); a stage process that
ends in the middle of a test (over time, or crashed) is started again for the tests after
that one, so one hang costs one test, not the stage.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course, Stage
from mapcourse.progress import processes
from mapcourse.progress.channel import LIMIT, OUT, stack_file
from mapcourse.progress.watchdog import HUNG, from_dump, hang_message
from mapcourse.progress.workspace import stage_dir
from mapcourse.terms import TEST_TIME_LIMIT

TIME_LIMIT = 120.0  # seconds one stage process may run, whatever its tests do
POLL = 0.01  # seconds between looks at the running stage processes


class CheckCancelled(Exception):
    """A run of the stages stopped before it ended (`check --watch` saw a file change)."""


@dataclass(frozen=True)
class TestOutcome:
    """One visible test case: `test` is the test function, `case` its parameters' id."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    test: str
    case: str
    status: str  # passed, failed, not-implemented, error, skipped or timeout
    message: str

    @property
    def title(self) -> str:
        """The test's name as a sentence: `mle is the fraction of heads [fair]`."""
        words = self.test.removeprefix("test_").replace("_", " ") or "loading the stage"
        return f"{words} [{self.case}]" if self.case else words


def visible_tests(course: Course, stage: Stage) -> Path:
    return course.exercises_dir / f"test_{stage.id}.py"


def run_stages(course: Course, stages: list[Stage], *, warm: bool = False,
               cancel: threading.Event | None = None) -> dict[str, tuple[TestOutcome, ...]]:
    """The outcomes of each stage's visible tests (stage id -> outcomes, in test order).

    All stages start at once: their time goes mostly to imports (torch's alone takes
    seconds), so the slowest stage should not wait for a free core to begin. Where
    stages fork (mapcourse.progress.processes), pytest and numpy are imported here first,
    and with `warm` (`check --watch`, which runs again and again) torch too, once. The
    stage files are only ever imported in the stage processes, so every run sees them
    fresh. When `cancel` is set, every stage process is stopped and CheckCancelled raised.
    """
    if not stages:
        return {}
    forking = processes.can_fork()
    if forking:
        preload(warm and uses_torch(course, stages))
    with tempfile.TemporaryDirectory(prefix="mapcourse-check-") as scratch:
        runs = {stage.id: _StageRun(course, stage, Path(scratch), forking) for stage in stages}
        active = {stage_id: run.start() for stage_id, run in runs.items()}
        try:
            while active:
                if cancel is not None and cancel.is_set():
                    raise CheckCancelled
                for stage_id, process in list(active.items()):
                    if (code := process.poll()) is None and not runs[stage_id].over_time():
                        continue
                    if code is None:
                        process.stop()
                    if runs[stage_id].ended(code):
                        active[stage_id] = runs[stage_id].start()
                    else:
                        del active[stage_id]
                if active:
                    cancel.wait(POLL) if cancel is not None else time.sleep(POLL)
        finally:
            for process in active.values():
                process.stop()
        return {stage_id: run.outcomes() for stage_id, run in runs.items()}


class _StageRun:
    """One stage's outcomes file, and the processes that fill it, one after a hang."""

    def __init__(self, course: Course, stage: Stage, scratch: Path, forking: bool) -> None:
        self.course, self.stage, self.forking = course, stage, forking
        self.out, self.log = scratch / f"{stage.id}.jsonl", scratch / f"{stage.id}.log"
        self.started, self.code, self.timed_out, self.known = 0.0, 0, False, 0

    def start(self) -> processes.StageProcess:
        stack_file(self.out).unlink(missing_ok=True)
        self.started, self.known = time.monotonic(), len(self._finals())
        args, env = _command(self.course, self.stage), _environment(self.course, self.out)
        if self.forking:
            return processes.fork(args, env, self.course.root, self.log,
                                  lambda: _forget_course_modules(self.course))
        return processes.spawn(args, env, self.course.root, self.log)

    def over_time(self) -> bool:
        return time.monotonic() - self.started > TIME_LIMIT

    def ended(self, code: int | None) -> bool:
        """Note how the process ended (None: stopped at TIME_LIMIT); whether to start
        another for the tests after the one it ended in."""
        if code is None:
            self.timed_out = True
            return False
        self.code = code
        records, dump = self._records(), self._dump()
        if records and records[-1]["status"] == "running":  # it ended inside that test
            self._append(self._cut_short(records[-1], code, dump))
        elif code != HUNG and code >= 0 and not dump:
            return False  # it ran to the end
        finals = self._finals()  # the last is the test it ended in: the next run skips it
        return bool(finals and finals[-1]["test"]) and len(finals) > self.known

    def _dump(self) -> str:
        """faulthandler's stacks, if it ended the process at the time limit."""
        try:
            dump = stack_file(self.out).read_text(errors="replace")
        except OSError:
            return ""
        return dump if dump.lstrip().startswith("Timeout") else ""

    def _cut_short(self, running: dict[str, str], code: int, dump: str) -> dict[str, str]:
        """The outcome of the test a process ended in: over time (faulthandler's stacks
        say where) or a crash."""
        loading = "" if running["test"] else self.stage.filename
        if dump:
            message = hang_message(from_dump(dump, stage_dir(self.course)), TEST_TIME_LIMIT,
                                   loading)
            return running | {"status": "timeout", "message": message}
        what = f"the import of {self.stage.filename}" if loading else "this test"
        return running | {"status": "error", "message": (
            f"the test process ended (exit status {code}) during {what}, without a result: "
            "look for os._exit in your code, or a crash in compiled code.")}

    def _records(self) -> list[dict[str, str]]:
        try:
            return [json.loads(line) for line in self.out.read_text().splitlines()]
        except OSError:
            return []

    def _finals(self) -> list[dict[str, str]]:
        return [record for record in self._records() if record["status"] != "running"]

    def _append(self, record: dict[str, str]) -> None:
        with open(self.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")

    def outcomes(self) -> tuple[TestOutcome, ...]:
        output = self.log.read_text(errors="replace") if self.log.is_file() else ""
        found = _read([json.dumps(record) for record in self._finals()], self.code, output)
        return (*found, *_over_time(self.stage)) if self.timed_out else found


def uses_torch(course: Course, stages: list[Stage]) -> bool:
    """Whether the visible tests of any of the stages mention torch."""
    return any("torch" in visible_tests(course, stage).read_text() for stage in stages
               if visible_tests(course, stage).is_file())


def warm_up(course: Course, stages: list[Stage]) -> None:
    """For `check --watch`: import what the stages' tests need now, torch included."""
    if processes.can_fork():
        preload(uses_torch(course, stages))


def preload(warm: bool) -> None:
    """Import what every stage's tests need (and, when warm, torch with an optimizer step)."""
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    import mapcourse.checks  # noqa: F401
    import mapcourse.progress.plugin  # noqa: F401

    if warm:
        from mapcourse.codecs.torch import warm_up

        warm_up()  # the grader's and the sandbox's torch warm-up: a model, backward, a step
    gc.freeze()  # the children's collections skip all of this (and copy none of it)


def _command(course: Course, stage: Stage) -> list[str]:
    """pytest's arguments. Installed plugins are not loaded (hypothesis's alone takes a
    second to import), nor pytest's faulthandler (the watchdog owns it), nor its
    unraisable-exception plugin: it runs gc.collect() five times at the end, about a
    second once torch is imported. `--import-mode=append` keeps exercises/ behind the
    stage folder that conftest.py puts first on sys.path, so that $MAPCOURSE_STAGE_DIR is
    where the stage files come from."""
    return [str(visible_tests(course, stage)), "-q", "-p", "mapcourse.progress.plugin",
            "-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:faulthandler",
            "--rootdir", str(course.root), "--import-mode=append"]


def _environment(course: Course, out: Path) -> dict[str, str]:
    return {OUT: str(out), LIMIT: repr(TEST_TIME_LIMIT),
            "MAPCOURSE_STAGE_DIR": str(stage_dir(course)), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


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
