"""`mapcourse regenerate [--check]`: rewrite every generated file of the course, or say which
are stale."""

from __future__ import annotations

import argparse

from mapcourse.cli import UsageError
from mapcourse.manifest import CourseNotFound, load_course
from mapcourse.regenerate import GenerateError, regenerate, skipped, stale
from mapcourse.stubs import StubError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "regenerate", help="rewrite every generated file (stubs, nbgrader course, sample class)",
        description="Rewrite every file the course generates from its sources: the stubs in "
                    "exercises/, the nbgrader course, the README's stage table and the "
                    "folders of course.toml's [[generated.scripts]]; list what changed.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every stale generated file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course()
        changes = stale(course) if args.check else regenerate(course)
    except (CourseNotFound, StubError, GenerateError) as error:
        raise UsageError(str(error)) from None
    for reason in skipped(course):
        print(f"skipped: {reason}")
    verbs = ({"stale": "stale", "missing": "missing", "extra": "not generated any more"}
             if args.check else {"stale": "rewrote", "missing": "wrote", "extra": "deleted"})
    for change in changes:
        where = change.path.relative_to(course.root).as_posix()
        print(f"{verbs[change.kind]}: {where} (from {change.source})")
    if not changes:
        print("every generated file is up to date")
    elif args.check:
        print("run `mapcourse regenerate` and commit the result")
        return 1
    return 0
