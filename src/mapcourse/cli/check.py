"""`mapcourse check [STAGE] [--watch]`: where you stand, what fails first, what to do next."""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import threading
from pathlib import Path

from mapcourse.cli import UsageError
from mapcourse.manifest import Course, CourseNotFound, Stage, load_course
from mapcourse.progress import (
    FAILING,
    NO_TESTS,
    NOT_STARTED,
    PASSED,
    CheckCancelled,
    StageProgress,
    check_progress,
    current_stage,
)
from mapcourse.progress.runner import warm_up
from mapcourse.progress.workspace import stage_dir, textbook_link

WIDTH = 88  # characters per line of plain output
NBSP = "\u00a0"  # a space that textwrap does not break at
STYLES = {PASSED: "green", FAILING: "red", NOT_STARTED: "yellow", NO_TESTS: "dim"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="run the visible tests and show your progress",
        description="Run the visible tests of every stage (or one), show which stages pass, "
                    "the first failure of the stage you are on, and what to do next.",
        epilog="Each test has the grader's time limit; a function that does not return "
               "is named, and the other tests still run. On Linux a check leaves a helper "
               "process behind (torch imported, about 300 MB) that runs the next checks "
               "quickly; it quits after 15 minutes without a check. MAPCOURSE_CHECK_SERVER=0 "
               "turns it off; MAPCOURSE_CHECK_NO_FORK=1 runs each stage in a fresh Python, "
               "as on macOS and Windows.")
    parser.add_argument("stage", nargs="?", metavar="STAGE",
                        help="only this stage: its number (2) or id")
    parser.add_argument("--watch", action="store_true",
                        help="check again each time a file in exercises/ changes")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course()
        stages = [course.stage(args.stage)] if args.stage else list(course.stages)
    except CourseNotFound as error:
        raise UsageError(str(error)) from None
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if args.watch:
        return watch(course, stages)
    progress = check_progress(course, stages)
    show(course, progress)
    return 0 if current_stage(progress) is None else 1


def watch(course: Course, stages: list[Stage]) -> int:
    """Check, then check again after every change to a .py file of the exercises. A change
    during a check stops it (its stage processes too) and starts it again on the new files."""
    try:
        from watchfiles import watch as changes
    except ModuleNotFoundError:
        raise UsageError("--watch needs watchfiles: pip install watchfiles") from None
    folders = sorted({str(course.exercises_dir), str(stage_dir(course))})
    changed, stop = threading.Event(), threading.Event()

    def notice() -> None:
        for _ in changes(*folders, watch_filter=lambda _, path: path.endswith(".py"),
                         stop_event=stop):
            changed.set()

    warm_up(course, stages)  # once, so that every re-check after a change is quick
    watcher = threading.Thread(target=notice, name="watch exercises/", daemon=True)
    watcher.start()
    try:
        while True:
            changed.clear()
            print("Checking...", flush=True)
            try:
                progress = check_progress(course, stages, warm=True, cancel=changed)
            except CheckCancelled:
                continue  # a file changed during the check: check the new files
            show(course, progress, watching=True)
            while not changed.wait(0.5):  # a timeout, so that Ctrl-C gets through
                pass
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()


def show(course: Course, progress: list[StageProgress], watching: bool = False) -> None:
    """Print the table of stages and the next step: a rich table on a terminal, plain
    text otherwise."""
    watch_line = ["", "Watching exercises/ for changes; Ctrl-C to stop."] if watching else []
    if not sys.stdout.isatty():
        footer = ["", *next_step(course, progress), *watch_line]
        print("\n".join([*table(course, progress), *footer]), flush=True)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    footer = ["", *next_step(course, progress, width=min(WIDTH, console.width)), *watch_line]
    if watching:
        console.clear()
    grid = Table(title=_summary(course, progress), title_justify="left")
    for column in ("", "stage", "status", "tests"):
        grid.add_column(column)
    for stage in progress:
        grid.add_row(str(stage.stage.number), stage.stage.title,
                     f"[{STYLES[stage.status]}]{stage.status}[/]", _tests(stage))
    console.print(grid)
    console.print("\n".join(footer), markup=False)


def table(course: Course, progress: list[StageProgress]) -> list[str]:
    """The plain-text table: one line per stage, its status and how many tests pass."""
    width = max(len(stage.stage.title) for stage in progress)
    lines = [_summary(course, progress), ""]
    for stage in progress:
        lines.append(f"  {stage.stage.number}  {stage.stage.title:<{width}}  "
                     f" {stage.status:<12} {_tests(stage)}".rstrip())
    return lines


def _summary(course: Course, progress: list[StageProgress]) -> str:
    passing = sum(stage.status == PASSED for stage in progress)
    if len(progress) == 1:
        state = "passes" if passing else "does not pass yet"
        return f"{course.title}: stage {progress[0].stage.number} {state}"
    return f"{course.title}: {passing} of {len(progress)} stages pass"


def _tests(stage: StageProgress) -> str:
    return f"{stage.passed}/{len(stage.tests)} tests pass" if stage.tests else ""


def next_step(course: Course, progress: list[StageProgress], width: int = WIDTH) -> list[str]:
    """The first failure of the stage to work on, in plain words, and what to do next."""
    current = current_stage(progress)
    if current is None:
        if all(stage.status == PASSED for stage in progress):
            done = ("Every stage here passes" if len(progress) > 1
                    else f"Stage {progress[0].stage.number} passes")
            folders = "exercises derivations" if (course.root / "derivations").is_dir() \
                else "exercises"
            return [f"{done} its visible tests. Commit and push to hand in:",
                    f"  git add {folders} && git commit -m 'My solutions' && git push"]
        return ["No visible tests for the remaining stages: the grader tests them when "
                "you push."]
    stage = current.stage
    where = _relative(stage_dir(course) / stage.filename, course.root)
    lines = [f"Stage {stage.number}, {stage.title}:"]
    failure = current.first_failure
    if failure is not None and current.status != NOT_STARTED:
        failing = len(current.tests) - current.passed
        lines[0] += f" {failing} of {len(current.tests)} tests fail. The first:"
        lines += _wrap(failure.title, "  ", width) + _wrap(failure.message, "    ", width)
        lines += ["", *_wrap(f"Next: fix {where}, then run `mapcourse check {stage.number}`. "
                             f"Stuck? `mapcourse hint {stage.number}` gives a hint; the "
                             f"textbook page is {textbook_link(course, stage)}", "", width)]
    else:
        lines[0] += " not started yet."
        if failure is not None:
            lines += _wrap(failure.message, "  ", width)
        lines += ["", *_wrap(f"Next: read {textbook_link(course, stage)}, then open {where} "
                             "and replace each `raise NotImplementedError(...)` with your code. "
                             f"Run `mapcourse check {stage.number}` to test it; "
                             f"`mapcourse hint {stage.number}` gives a hint.", "", width)]
    return lines


def _wrap(text: str, indent: str, width: int) -> list[str]:
    """Lines of at most `width` characters; a URL, a path or a `command` is never broken."""
    keep = re.sub(r"`[^`]*`", lambda quoted: quoted.group().replace(" ", NBSP), text)
    return [wrapped.replace(NBSP, " ") for line in keep.splitlines() or [""]
            for wrapped in textwrap.wrap(line, width, initial_indent=indent, break_long_words=False,
                                         break_on_hyphens=False, subsequent_indent=indent)
            or [indent]]


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
