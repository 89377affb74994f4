"""`mapcourse release DIR`: build the student repository (no answers, no hidden tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mapcourse.cli import UsageError
from mapcourse.manifest import CourseNotFound, load_course
from mapcourse.release import ReleaseError, build_release


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "release", help="build the student repository into a folder",
        description="Write the student repository (stubs, visible tests, README, "
                    "pyproject.toml, GitHub Classroom workflow, the check and hint "
                    "commands) into DIR, after making sure it holds no solution and no "
                    "hidden test.")
    parser.add_argument("dir", metavar="DIR", type=Path, help="where to write the release")
    parser.add_argument("--force", action="store_true",
                        help="replace the contents of a non-empty DIR (its .git is kept)")
    parser.add_argument("--textbook", metavar="URL",
                        help="the published textbook's address, linked from the README and "
                             "`mapcourse check` (default: site_url in mkdocs.yml; the release "
                             "needs one of the two)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course()
        written = build_release(course, args.dir, force=args.force, textbook=args.textbook)
    except (CourseNotFound, ReleaseError) as error:
        raise UsageError(str(error)) from None
    print(f"wrote the student repository to {args.dir} ({len(written)} files)")
    print(f"next: cd {args.dir} && git init && git add . && git commit -m 'Course release'")
    return 0
