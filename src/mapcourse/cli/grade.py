"""`mapcourse grade PATH...`: grade submissions with the hidden suites, each one sandboxed."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from datetime import datetime, timezone
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
    term = parser.add_argument_group("the term (see docs/instructors/term.md)")
    term.add_argument("--assignment", metavar="NAME",
                      help="grade one assignment of course.toml's [[assignments]]: only its "
                           "stages, with its due date and late policy; every output covers "
                           "exactly that assignment")
    term.add_argument("--times", type=Path, metavar="CSV",
                      help="when each submission was handed in (columns id, submitted); "
                           "without it the time comes from Gradescope's "
                           "submission_metadata.json, nbgrader's timestamp.txt or the last "
                           "Git commit")
    term.add_argument("--extensions", type=Path, metavar="CSV",
                      help="per-student due dates (columns student, assignment, and due or "
                           "days); default: course.toml's [term] extensions")
    term.add_argument("--written", type=Path, metavar="CSV|DB",
                      help="the written parts' points: a CSV (columns id, stage, points, "
                           "comment) or nbgrader's gradebook.db, as Formgrader marked them; "
                           "added to the autograded ones")
    after_grading.add_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:

    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}: use --format table or --format json")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.timeout <= 0 or args.memory <= 0 or args.stage_budget <= 0:
        raise UsageError("--timeout, --stage-budget and --memory must be positive")
    try:
        whole = load_course()
        assignment, course = _assignment(whole, args.assignment)
        submissions = discover(args.paths, course)
    except (CourseNotFound, DiscoveryError) as error:
        raise UsageError(str(error)) from None
    term = _term(args, whole, course, assignment, submissions)
    threshold, roster = after_grading.options(args)
    out = previous = None
    if args.out is not None:
        out, previous = _run_folder(args.out)
        _check_out(out, args.paths)
    elif roster is not None:
        raise UsageError("--roster names the students in the gradebooks that --out DIR "
                         "writes: give --out too")
    settings = settings_from(course, timeout=args.timeout, stage_budget=args.stage_budget,
                             memory=args.memory, no_sandbox=args.no_sandbox, jobs=args.jobs)
    started = datetime.now(timezone.utc)
    report = _graded(lambda: _grade_with_progress(course, submissions, settings, out, term))
    standings = {s.id: term.standing(s) for s in report.submissions} if term.active else None
    if out is not None:
        from mapcourse.term import runs

        write_run(out, report, course, {s.id: s.path for s in submissions}, standings,
                  threshold=threshold, roster=roster, assignment=args.assignment,
                  per_submission=False,  # each submission's files went as it was graded
                  previous=previous)
        runs.record(out, course, assignment=args.assignment, paths=args.paths,
                    options=_options(args), started=started, previous=previous)
    _notes(term, out, previous)
    if args.format == "json":
        sys.stdout.write(_json(report, standings, args.assignment))
    else:
        render.table(report, course, Console(), standings,
                     title=assignment.title if assignment else "")
    return 0


def settings_from(course, *, timeout, stage_budget, memory, no_sandbox, jobs, command="grade"):
    """The grading settings, with the machine's isolation; what the instructor should
    know about them goes to stderr."""
    from mapcourse.grading import internals
    from mapcourse.grading.pool import Settings
    from mapcourse.sandbox.isolated import GiB, Limits
    from mapcourse.sandbox.levels import UNPRIVILEGED, IsolationRefused, choose_isolation

    try:
        isolation = choose_isolation(course, trusted=no_sandbox)
    except IsolationRefused as error:
        raise UsageError(str(error)) from None
    if isolation.level == UNPRIVILEGED:
        print(f"mapcourse {command}: student code is {isolation.description}", file=sys.stderr)
    if not internals.FAST:
        print(f"mapcourse {command}: each stage runs through pytest.main, more slowly "
              f"({internals.WHY_NOT_FAST}); the grades are the same", file=sys.stderr)
    if no_sandbox:
        print(f"mapcourse {command}: WARNING: --no-sandbox: student code runs without "
              "isolation (own processes, but it can read and write your files and use the "
              "network)", file=sys.stderr)
    return Settings(isolation=isolation, timeout=timeout or TEST_TIME_LIMIT, jobs=jobs,
                    limits=Limits(memory_bytes=int((memory or 4.0) * GiB)),
                    stage_budget=stage_budget or STAGE_BUDGET)


def _graded(grading):
    """The report `grading()` returns; a sandbox or suite that cannot run is a UsageError."""
    from mapcourse.grading.plugin import HiddenSuiteError
    from mapcourse.sandbox.isolated import SandboxUnavailable

    try:
        return grading()
    except SandboxUnavailable as error:
        raise UsageError(str(error)) from None
    except HiddenSuiteError as error:
        raise UsageError(f"the course's hidden suites are broken: {error}") from None


def grade_quietly(course, submissions, settings):
    """Grade without writing anything (a regrade writes once every stage is merged)."""
    from mapcourse.grading.pool import grade_all

    return _graded(lambda: grade_all(course, submissions, settings))


def write_run(out: Path, report, course, folders, standings, *, threshold, roster,
              assignment, heading: str = "", per_submission: bool = True,
              previous: Path | None = None) -> None:
    """Every file of a run in `out`: each submission's results and feedback (unless they
    were written as graded), grades.csv, class.json, the gradebooks and the report."""
    from mapcourse.report import build

    out.mkdir(parents=True, exist_ok=True)
    if per_submission:
        for submission in report.submissions:
            export.write_submission(out, submission, course, report.sandbox,
                                    standings[submission.id] if standings else None, heading)
    export.write_grades(out, report, course, standings)
    after_grading.print_notes("grade", build.write_all(
        out, report, course, folders, threshold=threshold, roster=roster,
        assignment=assignment, standings=standings, previous=previous))


def _assignment(course, name):
    """The assignment named by --assignment and the course cut to its stages."""
    if name is None:
        return None, course
    try:
        assignment = course.assignment(name)
    except KeyError as error:
        raise UsageError(f"--assignment: {error.args[0]}") from None
    return assignment, course.restrict(assignment.stages)


def _term(args, whole, course, assignment, submissions):
    """What is known of each submission before grading: time, due date, written points."""
    from zoneinfo import ZoneInfo

    from mapcourse.term.extensions import ExtensionsError, read_extensions
    from mapcourse.term.standing import Term
    from mapcourse.term.times import TimesError, read_times
    from mapcourse.term.written import WrittenError, read_written

    zone = ZoneInfo(whole.timezone)
    if assignment is None and (args.times or args.extensions):
        raise UsageError("--times and --extensions need --assignment NAME: a due date to "
                         "measure lateness against")
    extensions_file = args.extensions or whole.extensions
    try:
        times = read_times(args.times, zone) if args.times else None
        extensions = (read_extensions(extensions_file, whole.assignments, zone)
                      if assignment is not None and extensions_file else None)
        # One file of written points serves the whole term: read against every stage,
        # then only the assignment's are kept.
        written = read_written(args.written, whole) if args.written else None
        if written is not None:
            graded = {stage.id for stage in course.stages}
            written = {key: part for key, part in written.items() if key[1] in graded}
    except (TimesError, ExtensionsError, WrittenError) as error:
        raise UsageError(str(error)) from None
    return Term.gather(course, assignment, {s.id: s.path for s in submissions}, times,
                       extensions, written, zone)


def _run_folder(out: Path) -> tuple[Path, Path | None]:
    """--out, or the folder beside it when it already holds a run (never written over)."""
    from mapcourse.term import runs

    if not runs.holds_run(out):
        return out, None
    new = runs.beside(out)
    print(f"mapcourse grade: {out} holds an earlier run, kept as it is; this run goes "
          f"beside it, to {new}", file=sys.stderr)
    return new, out


def _options(args) -> dict:
    """The options a regrade repeats."""
    return {"timeout": args.timeout, "stage_budget": args.stage_budget, "memory": args.memory,
            "no_sandbox": args.no_sandbox, "jobs": args.jobs,
            "times": str(args.times.resolve()) if args.times else None,
            "extensions": str(args.extensions.resolve()) if args.extensions else None,
            "written": str(args.written.resolve()) if args.written else None,
            "similarity_threshold": args.similarity_threshold,
            "roster": str(args.roster.resolve()) if args.roster else None}


def _notes(term, out, previous) -> None:
    if term.assignment is not None and (missing := term.no_time):
        print(f"mapcourse grade: no submission time found for {', '.join(missing)}: graded "
              "as on time (give --times CSV to set them)", file=sys.stderr)
    if out is not None and previous is not None:
        print(f"mapcourse grade: wrote {out} (the run in {previous} is unchanged)",
              file=sys.stderr)


def _json(report, standings, assignment) -> str:
    """The contract's JSON; with an assignment or written points, each submission also
    carries its standing under "term" (and the document its "assignment")."""
    if not standings:
        return render.to_json(report)
    import json

    data = report.to_json()
    if assignment is not None:
        data["assignment"] = assignment
    for entry in data["submissions"]:
        entry["term"] = standings[entry["id"]].to_json()
    return json.dumps(data, indent=2) + "\n"


def _grade_with_progress(course, submissions, settings, out, term):
    from mapcourse.grading.pool import grade_all

    heading = term.assignment.title if term.assignment else ""

    def save(result):
        if out is not None:
            export.write_submission(out, result, course, settings.isolation.description,
                                    term.standing(result) if term.active else None, heading)

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
