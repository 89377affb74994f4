"""`mapcourse stubs`: regenerate exercises/ from solutions/ (or check they agree)."""

from __future__ import annotations

import argparse

from mapcourse.cli import UsageError
from mapcourse.manifest import CourseNotFound, load_course
from mapcourse.stubs import StubError, stale_stubs, write_stubs


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stubs", help="regenerate the exercise stubs from the reference solutions",
        description="Write exercises/<stage>.py from solutions/<stage>.py: every solution "
                    "region becomes `raise NotImplementedError` with its hint.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any stub is stale")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course()
        if args.check:
            stale = stale_stubs(course)
            for path in stale:
                print(f"stale: {path.relative_to(course.root)} (run `mapcourse stubs`)")
            return 1 if stale else 0
        for path in write_stubs(course):
            print(f"wrote {path.relative_to(course.root)}")
    except (CourseNotFound, StubError) as error:
        raise UsageError(str(error)) from None
    return 0
