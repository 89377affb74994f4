"""`mapcourse new-stage ID --title TITLE`: scaffold a stage and its course.toml entry."""

from __future__ import annotations

import argparse

from mapcourse.cli import UsageError
from mapcourse.manifest import CourseNotFound, load_course
from mapcourse.scaffold import ScaffoldError, scaffold, write_scaffold

NEXT_STEPS = """\
Next: `mapcourse regenerate` (the nbgrader course, the README, the sample class), then
`mapcourse grade exercises` grades the stub 0 and `mapcourse grade solutions` gives the
stage {points}/{points}. Rewrite the example into your stage: see
docs/maintainers/writing-a-stage.md."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new-stage", help="scaffold a new stage (solution, tests, hidden suite, pages, manifest)",
        description="Write a working example stage after the last one: its reference "
                    "solution with marked regions, the stub, visible tests, a hidden suite "
                    "with its points, a stage page, a concept page (unless --concept names "
                    "one) and its [[stages]] entry in course.toml.")
    parser.add_argument("id", metavar="ID", help="the stage id, which names its files "
                                                 "(e.g. stage7_gaussian_mean)")
    parser.add_argument("--title", required=True, help="the stage's title")
    parser.add_argument("--concept", metavar="PAGE",
                        help="an existing textbook page under docs/ to read first "
                             "(default: a new page named after the id)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course()
        made = scaffold(course, args.id, args.title, args.concept)
    except (CourseNotFound, ScaffoldError) as error:
        raise UsageError(str(error)) from None
    for path in write_scaffold(course, made):
        print(f"wrote {path.relative_to(course.root)}")
    load_course.cache_clear()
    stage = load_course(course.root).stage(args.id)
    print(NEXT_STEPS.format(points=stage.points))
    return 0
