"""The `mapcourse` command: a thin layer over the course's modules.

Each subcommand is one module of this package with `register(subparsers)` and
`run(args) -> int`. A command parses, calls the core, formats and returns an exit
status; the core never prints or exits. Errors a user can cause are one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

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
    parser.add_argument("--course", type=Path, metavar="DIR",
                        help="the course to act on (default: the nearest folder with a "
                             "course.toml, from here up)")
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
    argv = sys.argv[1:] if argv is None else list(argv)
    with _course(_course_option(argv)):
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            return args.run(args)
        except (UsageError, CourseNotFound) as error:
            print(f"mapcourse {args.command}: {error}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            # The reader left (`mapcourse check | head`): stop quietly, as cat does.
            with contextlib.suppress(OSError, AttributeError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
        except KeyboardInterrupt:
            print(f"mapcourse {args.command}: interrupted", file=sys.stderr)
            return 130


def _course_option(argv: list[str]) -> str | None:
    """The value of `--course DIR` given before the command (read before parsing, since
    the parser's description comes from the course)."""
    for index, word in enumerate(argv):
        if word.startswith("--course="):
            return word.partition("=")[2]
        if word == "--course" and index + 1 < len(argv):
            return argv[index + 1]
        if not word.startswith("-"):
            return None  # the command: what follows is its own
    return None


@contextlib.contextmanager
def _course(folder: str | None) -> Iterator[None]:
    """`--course DIR` as MAPCOURSE_ROOT for this command and the processes it starts."""
    if folder is None:
        yield
        return
    before = os.environ.get("MAPCOURSE_ROOT")
    os.environ["MAPCOURSE_ROOT"] = str(Path(folder).resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MAPCOURSE_ROOT", None)
        else:
            os.environ["MAPCOURSE_ROOT"] = before
