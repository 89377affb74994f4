"""How often do the visible tests call a wrong stage right? The false greens.

    python bench/visible_truth.py [--jobs 2] [--hidden] [--exercises DIR]

Builds every wrong submission of the corpus (`tests/corpus/wrong/`, each labelled with
the stages it gets wrong) and runs the visible tests of each of its wrong stages
against it, as a student runs `pytest` in exercises/. A wrong stage whose visible tests
all pass is a false green: the student sees green and loses points in grading. Prints
the share of false greens overall and per stage, and lists them; with `--hidden`, also
grades the false greens with the hidden suites (`mapcourse grade`) and prints the
stage's hidden score, which should be at least 9/10 when the visible tests sample what
the hidden suites check. `--exercises` points at another folder of visible tests (an
older version, to compare). The goal is at most 10% false greens.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapcourse.manifest import load_course  # noqa: E402
from tests.corpus import Case, build, cases  # noqa: E402

GOAL = 0.10  # the largest share of false greens we accept
RUN_TIMEOUT = 300  # seconds for one stage's visible tests on one submission


def visible_tests_pass(exercises: Path, stage: str, submission: Path) -> bool:
    """Whether every visible test of `stage` passes on the submission's stage file."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"test_{stage}.py", "-q", "-x", "-p", "no:cacheprovider"],
        cwd=exercises, env=env | {"MAPCOURSE_STAGE_DIR": str(submission),
                                  "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    return done.returncode == 0


def hidden_scores(class_dir: Path, greens: list[tuple[Case, str]], jobs: int) -> dict:
    """(case id, stage) -> the stage's hidden score, for the false greens only."""
    graded = class_dir.parent / "graded"
    graded.mkdir()
    for case, _ in greens:
        if not (graded / case.id).exists():
            (class_dir / case.id).rename(graded / case.id)
    done = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(graded), "--format",
                           "json", "--jobs", str(jobs)], capture_output=True, text=True,
                          cwd=ROOT, timeout=3600, check=True)
    return {(submission["id"], stage["stage"]): stage["score"]
            for submission in json.loads(done.stdout)["submissions"]
            for stage in submission["stages"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="visible runs at once (default 2)")
    parser.add_argument("--hidden", action="store_true",
                        help="grade the false greens with the hidden suites")
    parser.add_argument("--exercises", type=Path, default=None,
                        help="the folder of visible tests (default: the course's exercises/)")
    args = parser.parse_args()
    course = load_course(ROOT)
    exercises = (args.exercises or course.exercises_dir).resolve()
    wrong = cases("wrong")
    runs = [(case, stage) for case in wrong for stage in case.loses]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        class_dir = Path(scratch) / "class"
        class_dir.mkdir()
        for case in wrong:
            build(case, class_dir)
        with ThreadPoolExecutor(args.jobs) as pool:
            passed = list(pool.map(
                lambda run: visible_tests_pass(exercises, run[1], class_dir / run[0].id), runs))
        greens = [run for run, green in zip(runs, passed, strict=True) if green]
        scores = hidden_scores(class_dir, greens, args.jobs) if args.hidden and greens else {}
    seconds = time.perf_counter() - start

    share = len(greens) / len(runs)
    print(f"visible tests: {exercises}")
    print(f"false greens: {len(greens)} of {len(runs)} wrong stages ({share:.0%}); "
          f"goal at most {GOAL:.0%}; {seconds:.0f} s")
    per_stage, green_stages = Counter(stage for _, stage in runs), Counter(s for _, s in greens)
    for stage in course.stages:
        total = per_stage[stage.id]
        if total:
            print(f"  {stage.id:<22} {green_stages[stage.id]:>2} of {total:>2} "
                  f"({green_stages[stage.id] / total:.0%})")
    for case, stage in greens:
        hidden = scores.get((case.id, stage))
        score = "" if hidden is None else f"  hidden {hidden:g}/10"
        print(f"  false green: {case.name} ({stage}){score}")
    return 0 if share <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
