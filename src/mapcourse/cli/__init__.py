"""The `mapcourse` command: a thin layer over the course's modules.

Each subcommand is one module of this package with `register(subparsers)` and
`run(args) -> int`. A command parses, calls the core, formats and returns an exit
status; the core never prints or exits. Errors a user can cause are one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from mapcourse.manifest import CourseNotFound, load_course

COMMANDS = ("grade", "regrade", "report", "stubs", "check", "hint", "release", "gradescope",
            "nbgrader", "regenerate", "new_stage")


class UsageError(Exception):
    """A mistake in how the command was called; the message says what to do."""


def _description() -> str:
    """The course's own description (course.toml), or a generic one outside a course."""
    try:
        return load_course().description
    except (CourseNotFound, OSError):
        return "An auto-graded course, graded by its hidden tests."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mapcourse", description=_description())
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"mapcourse.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"mapcourse.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        print(f"mapcourse {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mapcourse {args.command}: interrupted", file=sys.stderr)
        return 130
