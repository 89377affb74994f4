"""`mapcourse hint STAGE`: one more of the stage's hints each time, and its textbook page."""

from __future__ import annotations

import argparse
import textwrap

from mapcourse.cli import UsageError
from mapcourse.hints import HintView, next_hint, reset_hints
from mapcourse.manifest import Course, CourseNotFound, Stage, load_course


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hint", help="show the next hint for a stage",
        description="Show the stage's hints, one more each time you ask, and the textbook "
                    "page to read.")
    parser.add_argument("stage", metavar="STAGE", help="the stage: its number (2) or id")
    parser.add_argument("--reset", action="store_true",
                        help="forget the hints shown for this stage")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    course, stage = find_stage(args.stage)
    if args.reset:
        reset_hints(course, stage)
        print(f"Hints for stage {stage.number} start again from the first.")
        return 0
    print(render(next_hint(course, stage)))
    return 0


def find_stage(key: str) -> tuple[Course, Stage]:
    """The course of the current folder and its stage `key`; a UsageError if either is
    not there."""
    try:
        course = load_course()
        return course, course.stage(key)
    except CourseNotFound as error:
        raise UsageError(str(error)) from None
    except KeyError as error:
        raise UsageError(error.args[0]) from None


def render(view: HintView) -> str:
    stage = view.stage
    lines = [f"Stage {stage.number}, {stage.title}: hint {len(view.shown)} of {view.total}", ""]
    for number, hint in enumerate(view.shown, start=1):
        lines += textwrap.wrap(hint, width=88, initial_indent=f"  {number}. ",
                               subsequent_indent="     ")
    lines.append("")
    if view.exhausted:
        lines.append("That was the last hint. The textbook page explains the idea in full:")
    else:
        lines.append("Still stuck? Ask again for the next hint: "
                     f"`mapcourse hint {stage.number}`. The textbook page:")
    lines.append(f"  {view.textbook}")
    return "\n".join(lines)
