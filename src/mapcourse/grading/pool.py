"""Grading many submissions: one sandbox slot per job, jobs in parallel.

With jobs > 1 each worker process owns one slot (a warm zygote) for the whole run;
the parent imports everything first, so forked workers start warm too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from mapcourse import codecs
from mapcourse.grading import cache
from mapcourse.grading.assemble import explain, submission_folder
from mapcourse.grading.discover import Submission
from mapcourse.grading.limits import STAGE_BUDGET
from mapcourse.grading.plugin import HiddenSuiteError
from mapcourse.grading.replay import Examples
from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult, TestResult
from mapcourse.grading.runner import grade_submission
from mapcourse.grading.suites import HiddenSuites
from mapcourse.grading.withhold import HiddenLines
from mapcourse.manifest import Course
from mapcourse.sandbox.isolated import Limits, SandboxRuntime
from mapcourse.sandbox.levels import Isolation, choose_isolation
from mapcourse.terms import TEST_TIME_LIMIT


@dataclass(frozen=True)
class Settings:
    """How to grade: isolation, limits, per-test timeout, per-stage budget, parallel jobs."""

    isolate: bool = True  # False: the instructor's --no-sandbox (code they trust)
    isolation: Isolation | None = None  # None: the strongest the machine allows
    limits: Limits = Limits()
    timeout: float = TEST_TIME_LIMIT
    jobs: int = 1
    stage_budget: float | None = STAGE_BUDGET


_worker: dict = {}


def grade_all(course: Course, submissions: list[Submission], settings: Settings,
              on_result: Callable[[SubmissionResult], None] = lambda result: None
              ) -> GradeReport:
    """Grade every submission; results come back in the order given.

    Raises IsolationRefused when student code cannot be run safely on this machine.
    """
    isolation = settings.isolation or choose_isolation(course, trusted=not settings.isolate)
    codecs.use(course)  # the zygotes import the course's modules and codecs too
    scratch = Path(tempfile.mkdtemp(prefix="mapcourse-grade-"))
    scratch.chmod(0o711)
    jobs = max(1, min(settings.jobs, len(submissions)))
    runtimes: list[SandboxRuntime] = []
    results: dict[str, SubmissionResult] = {}
    try:
        runtimes = [SandboxRuntime(isolation, limits=settings.limits,
                                   scratch=_slot_folder(scratch)) for _ in range(jobs)]
        _warm_up(course)  # while the zygotes start
        examples = _examples(course, settings)
        gc.freeze()  # collections skip torch and the rest imported so far (a second each)
        for runtime in runtimes:
            runtime.wait_ready()
        grader = _in_parallel if jobs > 1 else _in_process
        for result in grader(course, submissions, settings, runtimes, examples):
            results[result.id] = result
            on_result(result)
    finally:
        for runtime in runtimes:
            runtime.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return GradeReport(course.max_score, tuple(results[s.id] for s in submissions),
                       isolation.description, isolation.level)


def _in_process(course: Course, submissions: list[Submission], settings: Settings,
                runtimes: list[SandboxRuntime], examples: Examples | None
                ) -> Iterator[SubmissionResult]:
    grader = _Grader(course, runtimes[0], settings, examples)
    try:
        for submission in submissions:
            yield grader.grade(submission)
    finally:
        grader.close()


def _in_parallel(course: Course, submissions: list[Submission], settings: Settings,
                 runtimes: list[SandboxRuntime], examples: Examples | None
                 ) -> Iterator[SubmissionResult]:
    """Results in the order they finish; a dead worker's leftovers are graded here."""
    context = multiprocessing.get_context("fork")
    slots = context.Queue()
    for index in range(len(runtimes)):
        slots.put(index)
    pool = ProcessPoolExecutor(len(runtimes), mp_context=context, initializer=_start_worker,
                               initargs=(course, settings, runtimes, slots, examples))
    futures = {pool.submit(_grade_in_worker, submission): submission
               for submission in submissions}
    finished: set[str] = set()
    try:
        for future in as_completed(futures):
            try:
                result = future.result()
            except BrokenProcessPool:
                break
            finished.add(result.id)
            yield result
    except BaseException:  # Ctrl-C, or the consumer stopped: stop the workers now
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False)
        raise
    pool.shutdown()
    remaining = [submission for submission in submissions if submission.id not in finished]
    if remaining:  # a worker died: finish here, one slot, one at a time
        runtimes[0].restart()
        yield from _in_process(course, remaining, settings, runtimes, examples)


def _start_worker(course: Course, settings: Settings, runtimes: list[SandboxRuntime],
                  slots: multiprocessing.Queue, examples: Examples | None) -> None:
    """A worker adopts one of the slots the parent started; Ctrl-C is the parent's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker["grader"] = _Grader(course, runtimes[slots.get()], settings, examples)


def _grade_in_worker(submission: Submission) -> SubmissionResult:
    return _worker["grader"].grade(submission)


class _Grader:
    """One slot's grading: its runtime, and the hidden suites collected once for it."""

    def __init__(self, course: Course, runtime: SandboxRuntime, settings: Settings,
                 examples: Examples | None) -> None:
        self.course, self.runtime, self.settings, self.examples = (course, runtime, settings,
                                                                   examples)
        self.suites: HiddenSuites | None = None
        self.hidden = HiddenLines(course)

    def grade(self, submission: Submission) -> SubmissionResult:
        """Grade one submission; if grading itself fails, every stage says so (never no row)."""
        course = self.course
        started = time.monotonic()
        try:
            if self.suites is None:
                self.suites = HiddenSuites(course, self.settings.timeout, self.examples,
                                           stage_budget=self.settings.stage_budget)
            with submission_folder(submission) as folder:
                result = grade_submission(course, folder, self.runtime,
                                          submission_id=submission.id, suites=self.suites)
            result = self.hidden.submission(explain(result, submission.upload))
            return dataclasses.replace(result, seconds=time.monotonic() - started)
        except HiddenSuiteError:  # the course's fault, for its staff: its text quotes the suite
            self.close()
            raise
        except Exception as error:  # noqa: BLE001 - the submission still gets its row
            self.runtime.restart()
            self.close()  # the next submission gets freshly collected suites
            message = (f"the grader could not grade this submission "
                       f"({type(error).__name__}: {error})")
            stages = tuple(StageResult(stage.id, stage.points, "graded",
                                       (TestResult("grading", 0.0, float(stage.points),
                                                   "error", message),))
                           for stage in course.stages)
            return SubmissionResult(submission.id, stages, course.max_score,
                                    seconds=time.monotonic() - started)

    def close(self) -> None:
        suites, self.suites = self.suites, None
        if suites is not None:
            with contextlib.suppress(Exception):
                suites.close()


def _slot_folder(scratch: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="slot-", dir=scratch))
    folder.chmod(0o755)
    return folder


def _examples(course: Course, settings: Settings) -> Examples | None:
    """The property tests' examples, recorded on the reference solutions (see `replay`),
    kept with the reference's answers in the course's cache (`mapcourse.grading.cache`)."""
    return cache.prepare(course, settings.timeout)


def _warm_up(course: Course) -> None:
    """Import the hidden suites' dependencies once, before any worker forks."""
    import hypothesis  # noqa: F401

    from mapcourse.reference import reference

    codecs.warm_up()  # the course's modules; torch with one thread, its optimizers ready

    for stage in course.stages:
        reference(stage.id)
