"""Benchmark: one six-stage submission graded cold, where each second goes, and its floor.

    python bench/cold_start.py [--runs 5] [--quick]

Grading one submission alone is what every Gradescope run does and most of what a class
of five pays. This times `mapcourse grade` on one folder holding the reference solutions,
each run a fresh process, with the course's grading cache in place (built by one run
first, not timed) and once without it (a new course version's first run). It then runs
the same grading in one fresh process with a clock at each phase: the grader's imports,
the sandbox's start, the warm-up (the course's modules, torch on one thread), the cache,
the suites and each stage, the zygote's readiness; and a second submission right after,
which is what each further one costs once everything is warm.

The floor is what no cold run can avoid: a Python that imports what the hidden suites
import (numpy, torch, pytest, hypothesis and the grading engine), plus the cost of one
warm submission. The goal is a cold run in at most GOAL seconds, or within 20% of the
floor where the floor itself is above it.

Unless --quick, it then runs bench/nbgrader_vs_grade.py on a class of five (`nbgrader
autograde` against `mapcourse grade` on the same submissions, and the cost of each
further submission) and bench/grade_cost.py (where one warm submission's time goes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 4.0
MARGIN = 1.2
FLOOR_IMPORTS = "import numpy, torch, pytest, hypothesis, mapcourse.grading.pool"


def run_timed(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds of the whole process tree, and the finished process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def grade_command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "mapcourse", "grade", str(folder), "--format", "json"]


def timed_grades(folder: Path, runs: int) -> tuple[list[float], list[float], float]:
    """`runs` cold grades of `folder`: wall and CPU seconds, and the score."""
    walls, cpus, score = [], [], 0.0
    for _ in range(runs):
        wall, cpu, done = run_timed(grade_command(folder))
        if done.returncode != 0:
            sys.exit(f"mapcourse grade failed:\n{done.stderr}")
        score = json.loads(done.stdout)["submissions"][0]["score"]
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus, score


def phases(submission: Path) -> None:
    """In this (fresh) process: grade `submission` and a copy of it, printing each phase's
    wall time since `--started` (the parent's clock when it started this process) and
    this process's CPU seconds, as JSON lines."""
    started = float(sys.argv[sys.argv.index("--started") + 1])

    def mark(what: str) -> None:
        print(json.dumps({"phase": what, "wall": time.time() - started,
                          "cpu": time.process_time()}), flush=True)

    mark("python started")
    from mapcourse.grading import pool
    from mapcourse.grading.discover import discover
    from mapcourse.manifest import load_course
    from mapcourse.sandbox.isolated import SandboxRuntime
    from mapcourse.sandbox.levels import choose_isolation

    mark("grading engine imported (pytest, numpy)")
    course = load_course(ROOT)
    second = submission.parent / "again"
    shutil.copytree(submission, second, dirs_exist_ok=True)
    submissions = discover([submission, second], course)
    isolation = choose_isolation(course)
    mark(f"isolation chosen ({isolation.level})")

    def wrap(owner: object, name: str, label: str, once: bool = False) -> None:
        original, seen = getattr(owner, name), []

        def wrapped(*args: object, **kwargs: object) -> object:
            result = original(*args, **kwargs)
            if not (once and seen):
                mark(label(args) if callable(label) else label)
            seen.append(True)
            return result

        setattr(owner, name, wrapped)

    wrap(pool, "SandboxRuntime", "sandbox's zygote started")
    wrap(pool, "_warm_up", "warm-up done (hypothesis, the course's modules: torch)")
    wrap(pool, "_examples", "grading cache loaded (examples, reference's answers)")
    wrap(SandboxRuntime, "wait_ready", "zygote ready (its torch imported)", once=True)
    wrap(SandboxRuntime, "open_stage", lambda args: f"  {args[2]} opened")
    pool.grade_all(course, submissions, pool.Settings(isolation=isolation, jobs=1),
                   lambda result: mark(f"{result.id} graded: {result.score:g} points"))
    shutil.rmtree(second, ignore_errors=True)


def measure_phases(submission: Path) -> list[dict]:
    command = [sys.executable, __file__, "--phases", str(submission), "--started",
               repr(time.time())]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the phased run failed:\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def show_phases(marks: list[dict]) -> float:
    """Print the phases; returns the second submission's cost (warm)."""
    print("\nwhere a cold run's time goes (one fresh process, wall since it started, "
          "grader's CPU):")
    previous = 0.0
    graded = []
    for mark in marks:
        print(f"  {mark['wall']:6.2f} s  (+{mark['wall'] - previous:5.2f})  "
              f"cpu {mark['cpu']:5.2f} s  {mark['phase']}")
        previous = mark["wall"]
        if " graded: " in mark["phase"]:
            graded.append(mark["wall"])
    return graded[1] - graded[0] if len(graded) == 2 else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs timed (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="the cold start alone: not the class of five nor grade_cost")
    parser.add_argument("--phases", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases is not None:
        phases(args.phases)
        return 0
    from mapcourse.grading import cache
    from mapcourse.manifest import load_course

    course = load_course(ROOT)
    work = Path(tempfile.mkdtemp(prefix="cold-start-bench-"))
    try:
        submission = work / "one" / "reference"
        submission.mkdir(parents=True)
        for stage in course.stages:
            shutil.copy(course.solutions_dir / stage.filename, submission)
        folder = submission.parent
        cache.cache_path(course).unlink(missing_ok=True)
        miss_wall, miss_cpu, _ = timed_grades(folder, 1)  # records the cache for the rest
        walls, cpus, score = timed_grades(folder, args.runs)
        floor_walls = [run_timed([sys.executable, "-c", FLOOR_IMPORTS])[0]
                       for _ in range(args.runs)]
        python_walls = [run_timed([sys.executable, "-c", "pass"])[0] for _ in range(args.runs)]
        marks = measure_phases(submission)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cold, imports = median(walls), median(floor_walls)
    print(f"one six-stage submission ({score:g}/{course.max_score} points), graded cold by "
          f"`mapcourse grade`, {args.runs} runs, each a fresh process:")
    print(f"  with the course's grading cache:  median {cold:5.2f} s wall "
          f"(min {min(walls):.2f}, max {max(walls):.2f}); CPU of the whole process tree "
          f"{median(cpus):.2f} s")
    print(f"  without it (first run of a course version): {miss_wall[0]:5.2f} s wall, "
          f"{miss_cpu[0]:.2f} s CPU (it records the cache)")
    warm = show_phases(marks)
    floor = imports + warm
    print("\nthe floor:")
    print(f"  a Python started and stopped:                 {median(python_walls):5.2f} s")
    print(f"  a Python importing what the suites import:    {imports:5.2f} s  ({FLOOR_IMPORTS})")
    print(f"  one more submission, everything warm:         {warm:5.2f} s")
    print(f"  floor (imports + one warm submission):        {floor:5.2f} s")
    met = cold <= GOAL or (floor > GOAL and cold <= floor * MARGIN)
    print(f"\ngoal: at most {GOAL:g} s, or within {100 * (MARGIN - 1):.0f}% of a floor above it: "
          f"{cold:.2f} s against a floor of {floor:.2f} s ({cold / floor:.2f}x the floor): "
          f"{'met' if met else 'NOT met'}")
    if not args.quick:
        for script, extra in (("nbgrader_vs_grade.py", ["--submissions", "5"]),
                              ("grade_cost.py", ["--repeat", "4"])):
            print(f"\n$ python bench/{script} {' '.join(extra)}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / script), *extra], cwd=ROOT,
                           check=False, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
