"""`mapcourse regrade DIR`: grade again only what changed since a run, beside it.

After a hidden test is fixed mid-term, `regrade DIR` re-runs the stages whose hidden
suite differs from the one the run in DIR recorded (or `--stage S`, or `--all`), keeps
every other stage's results, each submission's time and written points as they were, and
writes a new run beside DIR (DIR.2, ...). It prints every student whose score moves, old
→ new, with the tests that changed. The run in DIR is never touched.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mapcourse.cli import UsageError
from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult
from mapcourse.manifest import CourseNotFound, load_course


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "regrade", help="grade again only what changed since a run, beside it",
        description="Grade again the stages whose hidden suite changed since the run in DIR "
                    "(or --stage S, or --all), keep everything else of that run, write the "
                    "new run beside DIR (DIR.2, ...) and list every student whose score "
                    "moves. The run in DIR is never changed.")
    parser.add_argument("out", type=Path, metavar="DIR", help="the --out folder of a run")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--stage", action="append", metavar="STAGE", default=[],
                       help="a stage to grade again (id or number; repeatable)")
    which.add_argument("--all", action="store_true", help="grade every stage of the run again")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="submissions graded in parallel (default: as the run)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mapcourse.cli import grade
    from mapcourse.report import saved, unavailable
    from mapcourse.term import runs

    if why := unavailable():  # the new run's report.html, said before grading
        raise UsageError(why)

    try:
        previous = runs.load(args.out)
        graded = saved.load(args.out)
        whole = load_course()
    except (runs.RunError, saved.SavedResultsError, CourseNotFound) as error:
        raise UsageError(str(error)) from None
    course = whole.restrict(tuple(previous.stages))
    stages = _stages(args, course, previous)
    if not stages:
        print(f"mapcourse regrade: no hidden suite changed since the run in {args.out}; give "
              "--stage S or --all to grade again anyway", file=sys.stderr)
        return 0
    again = course.restrict(tuple(stages))
    folders = graded.folders
    if gone := [sid for sid, folder in folders.items() if not folder.is_dir()]:
        raise UsageError(f"the submissions of {', '.join(gone[:5])} are no longer where the "
                         f"run found them ({folders[gone[0]]}): regrade needs them in place")
    from mapcourse.grading.discover import submission_at
    from mapcourse.grading.uploads import Stubs

    stubs = Stubs(again)
    submissions = [submission_at(folders[s.id], s.id, again, stubs)
                   for s in graded.report.submissions if s.id in folders]
    options = previous.options
    settings = grade.settings_from(again, timeout=options.get("timeout"),
                                   stage_budget=options.get("stage_budget"),
                                   memory=options.get("memory"),
                                   no_sandbox=bool(options.get("no_sandbox")),
                                   jobs=args.jobs or options.get("jobs") or 1)
    started = datetime.now(timezone.utc)
    fresh = grade.grade_quietly(again, submissions, settings)
    merged = _merge(graded.report, fresh, course)
    standings = None
    if graded.standings:
        standings = {s.id: replace(graded.standings[s.id], autograded=s.score)
                     for s in merged.submissions}
    out = runs.beside(args.out)
    assignment = previous.assignment
    heading = whole.assignment(assignment).title if assignment else ""
    grade.write_run(out, merged, course, folders, standings, heading=heading,
                    threshold=options.get("similarity_threshold") or 0.6,
                    roster=_roster(options.get("roster")), assignment=assignment,
                    previous=args.out)
    runs.record(out, course, assignment=assignment, paths=[Path(p) for p in previous.data
                                                          .get("paths", [])],
                options=options, started=started, previous=args.out, regraded=stages)
    _print_moves(graded.report, merged, graded.standings, standings, course, Console())
    print(f"mapcourse regrade: wrote {out}; the run in {args.out} is unchanged",
          file=sys.stderr)
    return 0


def _stages(args, course, previous) -> list[str]:
    if args.all:
        return [stage.id for stage in course.stages]
    if args.stage:
        try:
            return [course.stage(key).id for key in dict.fromkeys(args.stage)]
        except KeyError as error:
            raise UsageError(f"--stage: {error.args[0]} (the run graded these)") from None
    from mapcourse.term import runs

    now = runs.suite_hashes(course)
    return [stage for stage, digest in previous.suites.items() if now.get(stage) != digest]


def _merge(old: GradeReport, fresh: GradeReport, course) -> GradeReport:
    """The old run's results with the freshly graded stages put in their places."""
    new = {s.id: {stage.stage: stage for stage in s.stages} for s in fresh.submissions}
    submissions = []
    for submission in old.submissions:
        stages = tuple(new.get(submission.id, {}).get(stage.stage, stage)
                       for stage in submission.stages)
        submissions.append(SubmissionResult(submission.id, stages, submission.max_score,
                                            seconds=submission.seconds))
    return GradeReport(old.max_score, tuple(submissions), fresh.sandbox, fresh.level)


def changed_tests(old: StageResult, new: StageResult) -> list[str]:
    """The tests of a stage whose score or status differ between two runs."""
    before = {test.name: test for test in old.tests}
    after = {test.name: test for test in new.tests}
    names = list(dict.fromkeys([*before, *after]))
    return [name for name in names
            if (before.get(name) and (before[name].score, before[name].status)) !=
            (after.get(name) and (after[name].score, after[name].status))]


def moves(old: GradeReport, new: GradeReport, old_standings=None, new_standings=None):
    """(id, old total, new total, [(stage, [tests])]) for every submission whose total moves."""
    before = {s.id: s for s in old.submissions}
    found = []
    for submission in new.submissions:
        earlier = before[submission.id]
        old_total = old_standings[submission.id].total if old_standings else earlier.score
        new_total = new_standings[submission.id].total if new_standings else submission.score
        if old_total == new_total:
            continue
        what = [(stage.stage, changed_tests(earlier.stage(stage.stage), stage))
                for stage in submission.stages if earlier.stage(stage.stage) != stage]
        found.append((submission.id, old_total, new_total, what))
    return found


def _print_moves(old, new, old_standings, new_standings, course, console: Console) -> None:
    found = moves(old, new, old_standings, new_standings)
    if not found:
        console.print("No score moves: every student keeps the grade of the earlier run.")
        return
    grid = Table(title=f"{len(found)} score(s) move")
    for column in ("student", "before", "after", "what changed"):
        grid.add_column(column, justify="right" if column in {"before", "after"} else "left")
    for sid, before, after, what in found:
        tests = "; ".join(f"stage {course.stage(stage).number}: {', '.join(tests) or 'status'}"
                          for stage, tests in what)
        grid.add_row(sid, f"{before:g}", f"{after:g}", tests)
    console.print(grid)


def _roster(path: str | None):
    if not path:
        return None
    from mapcourse.grading import export

    try:
        return export.read_roster(Path(path))
    except export.RosterError as error:
        print(f"mapcourse regrade: the run's roster {path} cannot be read ({error}); the "
              "gradebooks use folder names", file=sys.stderr)
        return None
