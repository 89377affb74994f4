"""`mapcourse nbgrader DIR`: write the course as an nbgrader course (or check it is current)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mapcourse.cli import UsageError
from mapcourse.manifest import CourseNotFound, load_course

NEXT_STEPS = """\
Next, in {directory} (with this Python's bin folder on PATH):
  mapcourse nbgrader {directory} --roster students.csv   the students' names (id,first_name,...)
  nbgrader generate_assignment STAGE     for each stage, e.g. {first}
  nbgrader release_assignment STAGE      then collect, autograde, generate_feedback
  jupyter lab                            started in {directory}: Formgrader
See docs/instructors/nbgrader.md."""
SHARED_EXCHANGE = """\
Every user's nbgrader must find the exchange: the hub's administrator puts this line in
{config} (students then fetch and submit with --course {course_id}):
  {line}"""
NO_MATHJAX = ("note: no MathJax at {path} (npm ci installs it): Formgrader and the feedback "
              "will load it from a CDN")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "nbgrader", help="write the course as an nbgrader course folder",
        description="Write DIR/nbgrader_config.py and DIR/source/<stage>/<stage>.ipynb for "
                    "every stage, from the solutions, the hidden suites and course.toml.")
    parser.add_argument("directory", type=Path, metavar="DIR",
                        help="the nbgrader course folder (created if missing)")
    parser.add_argument("--course-id", default="mapcourse", metavar="ID",
                        help="nbgrader's course id (default: mapcourse)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any generated file is stale")
    parser.add_argument("--exchange", type=Path, metavar="DIR",
                        help="nbgrader's exchange (default: DIR/exchange); on a hub where "
                             "students are users, a shared one such as /srv/nbgrader/exchange, "
                             "set up with nbgrader's modes (the folder 1777, the course's "
                             "inbound 2733...)")
    parser.add_argument("--roster", type=Path, metavar="CSV",
                        help="also add these students to the gradebook (nbgrader db student "
                             "import: columns id, first_name, last_name, email)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from mapcourse.nbgrader.course import stale_files, write_course
        from mapcourse.nbgrader.exchange import (
            SYSTEM_CONFIG,
            ExchangeSetupError,
            prepare_exchange,
            system_config,
        )
        from mapcourse.nbgrader.feedback import MATHJAX_PACKAGE, copy_mathjax
        from mapcourse.nbgrader.roster import RosterError, import_roster, read_roster
        from mapcourse.nbgrader.suites import SuiteError
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is not installed: pip install 'mapcourse[instructor]'"
                         ) from None
    if args.directory.exists() and not args.directory.is_dir():
        raise UsageError(f"{args.directory} is a file; give a folder for the nbgrader course")
    exchange = None if args.exchange is None else str(args.exchange.resolve())
    if args.roster is not None and not args.roster.is_file():
        raise UsageError(f"no roster at {args.roster}")
    try:
        if args.roster is not None:
            read_roster(args.roster)  # refused before anything is written
        course = load_course()
        if args.check:
            stale = stale_files(course, args.directory, args.course_id, exchange)
            for path in stale:
                print(f"stale: {path} (run `mapcourse nbgrader {args.directory}`)")
            return 1 if stale else 0
        written = write_course(course, args.directory, args.course_id, exchange)
        for path in written:
            print(f"wrote {path}")
        if not written:
            print(f"{args.directory} is up to date")
        if exchange is not None:
            for line in prepare_exchange(Path(exchange), args.course_id):
                print(line)
        if copy_mathjax(course.root, args.directory) is None:
            print(NO_MATHJAX.format(path=course.root / MATHJAX_PACKAGE))
        if args.roster is not None:
            import_roster(args.directory, args.roster)
            print(f"added the students of {args.roster} to {args.directory / 'gradebook.db'}")
            return 0
    except (CourseNotFound, SuiteError, RosterError, ExchangeSetupError) as error:
        raise UsageError(str(error)) from None
    print(NEXT_STEPS.format(directory=args.directory, first=course.stages[0].id))
    if exchange is not None:
        print(SHARED_EXCHANGE.format(config=SYSTEM_CONFIG, course_id=args.course_id,
                                     line=system_config(Path(exchange))))
    return 0
