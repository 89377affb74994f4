"""Benchmark: `nbgrader autograde` against `mapcourse grade` on the same submissions.

    python bench/nbgrader_vs_grade.py [--submissions N] [--jobs J] [--no-sandbox] [--keep DIR]

Builds N full submissions (the reference solutions, then corpus cases in turn), generates
the nbgrader course and hands every submission in as notebooks (each stage file pasted
into the first answer cell), then times `nbgrader autograde` over all of them and
`mapcourse grade` over the same folders, and reports seconds per submission, the ratio
(the goal: mapcourse grade at least 20x faster) and whether the stage scores agree.
Setting up (course, assignments, submissions) is not timed.

`mapcourse grade` pays a fixed start-up (sandboxes importing torch, the property tests'
examples recorded once) that a class amortises, so it also grades the first submission
alone: the difference gives its cost per additional submission, compared with
nbgrader's, which starts a kernel for every notebook and so pays the same for each.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapcourse.manifest import load_course  # noqa: E402
from tests import corpus  # noqa: E402
from tests.nbgrader import driver  # noqa: E402

GOAL = 20.0


def build_class(class_dir: Path, count: int) -> list[Path]:
    """`count` full submissions: the reference solutions first, then corpus cases."""
    reference = class_dir / "reference"
    reference.mkdir(parents=True)
    for path in sorted((ROOT / "solutions").glob("stage*.py")):
        shutil.copy(path, reference / path.name)
    folders = [reference]
    for case in corpus.cases()[:count - 1]:
        folders.append(corpus.build(case, class_dir))
    return folders


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def grade(class_dir: Path, jobs: int | None, sandbox: bool) -> dict:
    command = [sys.executable, "-m", "mapcourse", "grade", str(class_dir), "--format", "json"]
    command += [] if jobs is None else ["--jobs", str(jobs)]
    command += [] if sandbox else ["--no-sandbox"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"mapcourse grade failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=8, metavar="N")
    parser.add_argument("--jobs", type=int, default=None, help="mapcourse grade --jobs")
    parser.add_argument("--no-sandbox", action="store_true", help="mapcourse grade --no-sandbox")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (kept) instead of a temporary folder")
    args = parser.parse_args()
    course = load_course()
    work = args.keep or Path(tempfile.mkdtemp(prefix="nbgrader-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        class_dir, course_dir = work / "class", work / "course"
        folders = build_class(class_dir, args.submissions)
        course_dir.mkdir()
        driver.make_course(course, course_dir)
        for folder in folders:
            driver.submit(course, course_dir, folder.name, folder)
        nbgrader_seconds, _ = timed(lambda: driver.nbgrader(course_dir, "autograde", "*"))
        grade_seconds, report = timed(lambda: grade(class_dir, args.jobs, not args.no_sandbox))
        one_seconds, _ = timed(lambda: grade(folders[0], args.jobs, not args.no_sandbox))
        in_gradebook = driver.autograded_scores(course_dir)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    differences = [f"{s['id']} {stage['stage']}: nbgrader {in_gradebook[s['id'], stage['stage']]}"
                   f", mapcourse grade {stage['score']}"
                   for s in report["submissions"] for stage in s["stages"]
                   if in_gradebook.get((s["id"], stage["stage"])) != stage["score"]]
    count = len(folders)
    ratio = nbgrader_seconds / grade_seconds
    each = (grade_seconds - one_seconds) / (count - 1) if count > 1 else float("nan")
    print(f"submissions: {count} (every stage: {len(course.stages)} notebooks each)")
    print(f"nbgrader autograde: {nbgrader_seconds:8.1f} s  {nbgrader_seconds / count:6.1f} s "
          "per submission")
    print(f"mapcourse grade:    {grade_seconds:8.1f} s  {grade_seconds / count:6.1f} s "
          f"per submission (sandbox: {report.get('sandbox')})")
    print(f"  one submission alone: {one_seconds:.1f} s; each further one: {each:.2f} s")
    print(f"ratio over {count} submissions: mapcourse grade is {ratio:.1f}x faster "
          f"(goal: {GOAL:g}x) {'met' if ratio >= GOAL else 'NOT met'}")
    marginal = nbgrader_seconds / count / each
    print(f"ratio per further submission: {marginal:.1f}x "
          f"{'met' if marginal >= GOAL else 'NOT met'}")
    print("stage scores: identical" if not differences else
          "stage scores differ:\n  " + "\n  ".join(differences))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
