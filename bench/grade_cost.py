"""Where one submission's grading time goes: the student's side and the grader's side.

    python bench/grade_cost.py [--repeat 8] [--submission DIR]

Grades the reference solutions (or the submission in DIR) again and again in one slot,
the way `mapcourse grade` does after its start: a warm zygote forks one process per
stage, the hidden suites are collected once, the property tests replay their recorded
examples. It runs without bubblewrap so that each stage process's CPU time can be read
from /proc before the process is closed (inside the sandbox its pid is another
namespace's); the code path is otherwise the same.

Reports, per submission: the wall time, the grader's CPU time, and the CPU time of each
stage process. Grader and student alternate, so with two cores and two jobs a
submission cannot take less than half their sum.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from pathlib import Path

from mapcourse import codecs
from mapcourse.grading.pool import Settings, _examples, _warm_up
from mapcourse.grading.runner import grade_submission
from mapcourse.grading.suites import HiddenSuites
from mapcourse.manifest import load_course
from mapcourse.sandbox.isolated import SandboxRuntime, SandboxSession
from mapcourse.sandbox.levels import trusted_run
from mapcourse.sandbox.session import Runtime, StageSession

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


class Measured(StageSession):
    """A stage session that adds its process's CPU seconds to `spent` when it closes."""

    def __init__(self, session: SandboxSession, spent: dict[str, float]) -> None:
        self.session, self.spent = session, spent
        self.status, self.message, self.handle = session.status, session.message, session.handle

    def set_deadline(self, seconds: float | None) -> None:
        self.session.set_deadline(seconds)

    def close(self) -> None:
        pid = self.session._pid  # the stage process, as long as it runs
        if pid is not None:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
            self.spent[self.session.stage_id] = self.spent.get(self.session.stage_id, 0) + cpu
        self.session.close()


class MeasuredRuntime(Runtime):
    name = "measured"

    def __init__(self, runtime: SandboxRuntime) -> None:
        self.runtime, self.spent = runtime, {}

    def open_stage(self, submission: Path, stage_id: str) -> StageSession:
        return Measured(self.runtime.open_stage(submission, stage_id), self.spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--submission", type=Path, help="default: the reference solutions")
    args = parser.parse_args()
    course = load_course(ROOT)
    submission = args.submission or course.solutions_dir
    codecs.use(course)  # the zygote imports the course's codecs (torch's) too
    slot = SandboxRuntime(trusted_run())
    try:
        _warm_up(course)
        examples = _examples(course, Settings())
        gc.freeze()
        slot.wait_ready()
        runtime = MeasuredRuntime(slot)
        with HiddenSuites(course, Settings().timeout, examples) as suites:
            for _ in range(2):  # first calls warm caches on both sides
                grade_submission(course, submission, runtime, suites=suites)
            runtime.spent.clear()
            walls, grader = [], []
            for _ in range(args.repeat):
                start, cpu = time.perf_counter(), time.process_time()
                grade_submission(course, submission, runtime, suites=suites)
                walls.append(time.perf_counter() - start)
                grader.append(time.process_time() - cpu)
    finally:
        slot.close()
    student = {stage: seconds / args.repeat for stage, seconds in runtime.spent.items()}
    grader_cpu, student_cpu = statistics.median(grader), sum(student.values())
    print(f"submission: {submission} ({args.repeat} times, one slot, no bubblewrap)")
    print(f"wall per submission (median):  {statistics.median(walls):.3f} s")
    print(f"grader's CPU per submission:   {grader_cpu:.3f} s")
    print(f"student's CPU per submission:  {student_cpu:.3f} s")
    for stage, seconds in student.items():
        print(f"  {stage:24s} {seconds:.3f} s")
    print(f"least time per submission with two jobs on two cores: "
          f"{(grader_cpu + student_cpu) / 2:.3f} s")


if __name__ == "__main__":
    main()
