"""`mapcourse gradescope OUT.zip`: build the Gradescope autograder bundle."""

from __future__ import annotations

import argparse
from pathlib import Path

from mapcourse.cli import UsageError
from mapcourse.manifest import CourseNotFound, load_course


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gradescope", help="build a Gradescope autograder bundle",
        description="Write a zip with setup.sh, run_autograder, requirements.txt and the "
                    "course (hidden suites, solutions, this tool). Upload it as the "
                    "assignment's autograder on an Ubuntu 22.04 or 24.04 base image; it "
                    "grades with the same code as `mapcourse grade`.")
    parser.add_argument("zip", type=Path, metavar="OUT.zip", help="where to write the bundle")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.zip.suffix != ".zip":
        raise UsageError(f"{args.zip} should end in .zip (Gradescope takes a zip file)")
    if args.zip.is_dir():
        raise UsageError(f"{args.zip} is a folder: give the path of the zip to write")
    from mapcourse.gradescope import build_bundle

    try:
        course = load_course()
        names = build_bundle(course, args.zip)
    except CourseNotFound as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.zip}: {error.strerror}") from None
    print(f"wrote {args.zip} ({len(names)} files): upload it as the autograder of a "
          "Gradescope programming assignment, on an Ubuntu 22.04 or 24.04 base image; "
          "Gradescope's default memory and timeout suffice")
    return 0
