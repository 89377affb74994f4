"""How large report.html grows and how long `mapcourse report` takes, for a large class.

    python bench/report_scale.py [--students 300] [--grade]

Builds two classes with bench/shared_class.py (one sharing most of its code, one sharing
none), saves a class.json for each (every submission at full marks: the report's work
does not depend on the scores), and times the real `mapcourse report DIR` on both in this
same run: seconds, the size of report.html and of its pages of pairs (pairs/).
With --grade it also grades the shared class for real, with and without --out, and gives
the ratio and the report's share of `grade --out`; then regrades that run's stage 3 (a
hidden test fixed mid-term) and all of it, and grades assignment a2 (stages 3-4) alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.shared_class import make_class  # noqa: E402
from mapcourse.grading.results import (  # noqa: E402
    GradeReport,
    StageResult,
    SubmissionResult,
    TestResult,
)
from mapcourse.manifest import load_course  # noqa: E402
from mapcourse.report import saved  # noqa: E402


def save_class(class_dir: Path, out: Path) -> None:
    """A class.json for the folders of class_dir, every stage at full marks."""
    course = load_course(ROOT)
    folders = {path.name: path for path in sorted(class_dir.iterdir())}
    submissions = tuple(SubmissionResult(name, tuple(
        StageResult(stage.id, stage.points, "graded",
                    (TestResult(f"{stage.id} all", stage.points, stage.points, "passed"),))
        for stage in course.stages), course.max_score, seconds=1.0) for name in folders)
    out.mkdir(parents=True)
    (out / saved.CLASS_FILE).write_text(saved.to_json(
        GradeReport(course.max_score, submissions, "not isolated (bench)", "none"), folders))


def timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mapcourse", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def sizes(out: Path) -> dict:
    pairs = list((out / "pairs").rglob("*.html"))
    return {"report_html_kb": round((out / "report.html").stat().st_size / 1024),
            "pair_pages": len(pairs),
            "pair_pages_kb": round(sum(p.stat().st_size for p in pairs) / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--grade", action="store_true",
                        help="also grade the shared class with and without --out")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mapcourse-bench-") as scratch:
        for kind in ("shared", "distinct"):
            class_dir = make_class(Path(scratch) / kind, args.students, kind)
            out = Path(scratch) / f"{kind}-out"
            save_class(class_dir, out)
            seconds = timed("report", str(out))
            print(json.dumps({"class": kind, "students": args.students,
                              "report_s": round(seconds, 1), **sizes(out)}))
        if args.grade:
            class_dir = Path(scratch) / "shared"
            plain = timed("grade", str(class_dir), "--jobs", str(args.jobs))
            out = Path(scratch) / "graded"
            with_out = timed("grade", str(class_dir), "--out", str(out), "--jobs",
                             str(args.jobs))
            # A hidden test fixed in one stage: regrade grades that stage again, beside.
            one = timed("regrade", str(out), "--stage", "3", "--jobs", str(args.jobs))
            again = timed("regrade", str(out), "--all", "--jobs", str(args.jobs))
            assignment = timed("grade", str(class_dir), "--assignment", "a2", "--jobs",
                               str(args.jobs))
            print(json.dumps({"class": "shared", "grade_s": round(plain, 1),
                              "grade_out_s": round(with_out, 1),
                              "ratio": round(with_out / plain, 2),
                              "report_share": round(1 - plain / with_out, 2),
                              "regrade_one_stage_s": round(one, 1),
                              "regrade_all_s": round(again, 1),
                              "grade_assignment_a2_s": round(assignment, 1)}))


if __name__ == "__main__":
    main()
