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
    parser.add_argument("--assignment", metavar="NAME",
                        help="grade one assignment of course.toml's [[assignments]]: only its "
                             "stages, with its due date and late policy, against the time "
                             "Gradescope records for each submission")
    parser.add_argument("--extensions", type=Path, metavar="CSV",
                        help="per-student due dates (columns student, assignment, and due or "
                             "days; student is the email or the name Gradescope knows); "
                             "default: course.toml's [term] extensions")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.zip.suffix != ".zip":
        raise UsageError(f"{args.zip} should end in .zip (Gradescope takes a zip file)")
    if args.zip.is_dir():
        raise UsageError(f"{args.zip} is a folder: give the path of the zip to write")
    from zoneinfo import ZoneInfo

    from mapcourse.gradescope import build_bundle
    from mapcourse.term.extensions import ExtensionsError, read_extensions

    try:
        course = load_course()
        assignment, extensions = None, None
        if args.assignment is not None:
            assignment = course.assignment(args.assignment)
            source = args.extensions or course.extensions
            if source is not None:
                extensions = {student: due for (student, name), due in
                              read_extensions(source, course.assignments,
                                              ZoneInfo(course.timezone)).items()
                              if name == assignment.id}
        elif args.extensions is not None:
            raise UsageError("--extensions needs --assignment NAME")
        names = build_bundle(course, args.zip, assignment, extensions)
    except KeyError as error:
        raise UsageError(f"--assignment: {error.args[0]}") from None
    except (CourseNotFound, ExtensionsError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.zip}: {error.strerror}") from None
    what = f"assignment {assignment.id}: {assignment.title}; " if assignment else ""
    print(f"wrote {args.zip} ({len(names)} files); {what}upload it as the autograder of a "
          "Gradescope programming assignment, on an Ubuntu 22.04 or 24.04 base image; "
          "Gradescope's default memory and timeout suffice")
    return 0
