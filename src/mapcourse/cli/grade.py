"""`mapcourse grade PATH...`: grade submissions with the hidden suites, each one sandboxed."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from mapcourse.cli import UsageError
from mapcourse.cli import report as after_grading
from mapcourse.grading import export, render
from mapcourse.grading.discover import DiscoveryError, discover
from mapcourse.grading.limits import STAGE_BUDGET
from mapcourse.manifest import CourseNotFound, load_course
from mapcourse.terms import TEST_TIME_LIMIT

FORMATS = ("table", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade submissions with the hidden suites",
        description="Grade one submission folder (stage files) or a class folder (one "
                    "folder per student). Each stage runs in its own sandboxed process.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="a submission folder or a class folder")
    parser.add_argument("--format", default="table",
                        help="table (for people, the default) or json (the contract's format)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="also write grades.csv, results/<id>.json, feedback/<id>.md, "
                             "canvas.csv, moodle.csv, class.json and report.html")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="submissions graded in parallel (default: the number of cores)")
    parser.add_argument("--timeout", type=float, default=TEST_TIME_LIMIT, metavar="SECONDS",
                        help=f"time limit of one test (default {TEST_TIME_LIMIT:g}); a test "
                             "group stops at its first timeout")
    parser.add_argument("--stage-budget", type=float, default=STAGE_BUDGET, metavar="SECONDS",
                        help=f"time all the tests of one stage may take together (default "
                             f"{STAGE_BUDGET:g}); past it the stage's remaining test groups "
                             "fail with a message naming the budget")
    parser.add_argument("--memory", type=float, default=4.0, metavar="GIB",
                        help="address-space limit of a stage process in GiB (default 4)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without isolation (still in its own process), "
                             "for code you trust; recorded in the output. Without it, grading "
                             "uses bubblewrap, else an unprivileged user, else refuses")
    after_grading.add_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mapcourse.grading import internals
    from mapcourse.grading.plugin import HiddenSuiteError
    from mapcourse.grading.pool import Settings
    from mapcourse.sandbox.isolated import GiB, Limits, SandboxUnavailable
    from mapcourse.sandbox.levels import UNPRIVILEGED, IsolationRefused, choose_isolation

    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}: use --format table or --format json")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.timeout <= 0 or args.memory <= 0 or args.stage_budget <= 0:
        raise UsageError("--timeout, --stage-budget and --memory must be positive")
    try:
        course = load_course()
        submissions = discover(args.paths, course)
    except (CourseNotFound, DiscoveryError) as error:
        raise UsageError(str(error)) from None
    threshold, roster = after_grading.options(args)
    if args.out is not None:
        _check_out(args.out, args.paths)
    elif roster is not None:
        raise UsageError("--roster names the students in the gradebooks that --out DIR "
                         "writes: give --out too")
    try:
        isolation = choose_isolation(course, trusted=args.no_sandbox)
    except IsolationRefused as error:
        raise UsageError(str(error)) from None
    if isolation.level == UNPRIVILEGED:
        print(f"mapcourse grade: student code is {isolation.description}", file=sys.stderr)
    if not internals.FAST:
        print(f"mapcourse grade: each stage runs through pytest.main, more slowly "
              f"({internals.WHY_NOT_FAST}); the grades are the same", file=sys.stderr)
    settings = Settings(isolation=isolation, timeout=args.timeout, jobs=args.jobs,
                        limits=Limits(memory_bytes=int(args.memory * GiB)),
                        stage_budget=args.stage_budget)
    if args.no_sandbox:
        print("mapcourse grade: WARNING: --no-sandbox: student code runs without isolation "
              "(own processes, but it can read and write your files and use the network)",
              file=sys.stderr)
    try:
        report = _grade_with_progress(course, submissions, settings, args.out)
    except SandboxUnavailable as error:
        raise UsageError(str(error)) from None
    except HiddenSuiteError as error:
        raise UsageError(f"the course's hidden suites are broken: {error}") from None
    if args.out is not None:
        from mapcourse.report import build

        export.write_grades(args.out, report, course)  # each submission's went as graded
        after_grading.print_notes("grade", build.write_all(
            args.out, report, course, {s.id: s.path for s in submissions},
            threshold=threshold, roster=roster))
    if args.format == "json":
        sys.stdout.write(render.to_json(report))
    else:
        render.table(report, course, Console())
    return 0


def _grade_with_progress(course, submissions, settings, out):
    from mapcourse.grading.pool import grade_all

    def save(result):
        if out is not None:
            export.write_submission(out, result, course, settings.isolation.description)

    if not sys.stderr.isatty():
        return grade_all(course, submissions, settings, save)
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("grading", total=len(submissions))

        def advance(result):
            save(result)
            progress.update(task, advance=1, description=f"graded {result.id}")

        return grade_all(course, submissions, settings, advance)


def _check_out(out: Path, paths: list[Path]) -> None:
    """--out must be a folder we can write, neither inside nor around a graded folder."""
    resolved = out.resolve()
    for path in map(Path.resolve, paths):
        if resolved.is_relative_to(path) or path.is_relative_to(resolved):
            raise UsageError(f"--out {out} overlaps the graded folder {path}: choose a folder "
                             "outside it")
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"--out {out} is a file: give a folder for the grades")
    created = [p for p in (resolved, *resolved.parents) if not p.exists()]
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=resolved).close()
    except OSError as error:
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise UsageError(f"--out {out} cannot be written ({error.strerror}): choose a folder "
                         "you can write to") from None
