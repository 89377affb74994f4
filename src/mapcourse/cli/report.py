"""`mapcourse report DIR`: rebuild report.html and the gradebooks from a graded class."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from mapcourse.cli import UsageError
from mapcourse.grading import export, render
from mapcourse.manifest import CourseNotFound, load_course
from mapcourse.report.similarity import THRESHOLD


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="rebuild report.html and the gradebooks of a graded class",
        description="Rebuild DIR/report.html, DIR/canvas.csv and DIR/moodle.csv from the "
                    "results `mapcourse grade CLASS --out DIR` saved in DIR/class.json, "
                    "without grading again; prints the class's table.")
    parser.add_argument("out", type=Path, metavar="DIR", help="the --out folder of a grading run")
    add_options(parser)
    parser.set_defaults(run=run)


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of what comes after grading, shared with `mapcourse grade`."""
    parser.add_argument("--similarity-threshold", type=float, default=THRESHOLD,
                        metavar="FRACTION",
                        help=f"flag two submissions when at least this share of each one's "
                             f"stage file (beyond the stub and the reference solution) is "
                             f"found in the other's (default {THRESHOLD:g})")
    parser.add_argument("--roster", type=Path, metavar="CSV",
                        help="a CSV mapping each submission id (column id) to the learning "
                             "platform's names for the student: name, canvas_id, sis_user_id, "
                             "sis_login_id, section, username, idnumber, email")


def options(args: argparse.Namespace) -> tuple[float, dict | None]:
    """The threshold and the roster, checked; a mistake is a UsageError, and so is an --out
    DIR whose report.html this Python cannot write (said before grading, not after)."""
    from mapcourse.report import unavailable

    if getattr(args, "out", None) is not None and (why := unavailable()):
        raise UsageError(why)
    if not 0 < args.similarity_threshold <= 1:
        raise UsageError(f"--similarity-threshold must lie in (0, 1], got "
                         f"{args.similarity_threshold:g}")
    if args.roster is None:
        return args.similarity_threshold, None
    try:
        return args.similarity_threshold, export.read_roster(args.roster)
    except export.RosterError as error:
        raise UsageError(str(error)) from None


def print_notes(command: str, notes: list[str]) -> None:
    for note in notes:
        print(f"mapcourse {command}: {note}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from mapcourse.report import saved

    threshold, roster = options(args)
    try:
        course = load_course()
        graded = saved.load(args.out)
    except (CourseNotFound, saved.SavedResultsError) as error:
        raise UsageError(str(error)) from None
    if graded.report.submissions:  # the stages the run graded (an assignment's, or all)
        course = course.restrict(tuple(s.stage for s in graded.report.submissions[0].stages))
    from mapcourse.report import build  # matplotlib and the rest, once the call is sound

    try:
        print_notes("report", build.rewrite(args.out, graded, course, threshold=threshold,
                                            roster=roster))
    except build.page.ReportUnavailable as error:
        raise UsageError(str(error)) from None
    title = course.assignment(graded.assignment).title if graded.assignment else ""
    render.table(graded.report, course, Console(), graded.standings or None, title)
    return 0
