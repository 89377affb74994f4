"""Where a student stands, as plain `pytest` prints it: one paragraph per failure, and a
run that says in its first and last lines where to start and how far along each stage is.

A failure's report is its message (the call, what came back, what was expected, the
concept), wrapped to the terminal and followed by the test's line, with no traceback of
the course's helpers (`Paragraph`). A test that fails because its function is not written
yet, or because its stage file did not import, is not shown one by one: the closing table
gives each stage one line (not started / failing / passing), and the short summary gives
every other failure its whole reason, also where the output is not a terminal.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from mapcourse.manifest import CourseNotFound, find_root, load_course

PASSING, FAILING, NOT_STARTED = "passing", "failing", "not started"
NOT_WRITTEN = "not implemented yet: "  # how a test of a function still a stub begins
IMPORT_PREFIX = "did not import, so this test could not run"  # mapcourse.progress.loading
WIDTH = 80  # columns of output when pytest does not know the terminal's


@dataclass(frozen=True)
class Crash:
    """pytest's `reprcrash`: where a failure happened and its one message."""

    path: str
    lineno: int
    message: str


class Paragraph:
    """A failure's report for pytest (`longrepr`): the message, wrapped, then the test's line."""

    def __init__(self, message: str, path: str = "", lineno: int = 0) -> None:
        self.message, self.where = message, f"{Path(path).name}:{lineno}" if path else ""
        self.reprcrash = Crash(path, lineno, message)

    def lines(self, width: int) -> list[str]:
        lines = wrap(self.message, width)
        return [*lines, f"(at {self.where})"] if self.where else lines

    def toterminal(self, tw) -> None:  # noqa: ANN001 - pytest's TerminalWriter
        for line in self.lines(tw.fullwidth or WIDTH):
            tw.line(line)

    def __str__(self) -> str:
        return "\n".join(self.lines(WIDTH))


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Each line of text wrapped to width (lines that are code, indented, kept whole)."""
    lines = []
    for line in text.splitlines() or [""]:
        if line.startswith("    "):
            lines.append(indent + line)
        else:
            lines += textwrap.wrap(line, max(20, width - 1), initial_indent=indent,
                                   subsequent_indent=indent, break_on_hyphens=False) or [indent]
    return lines


@dataclass
class StageTally:
    """One stage's tests as they ran."""

    number: int
    title: str
    filename: str
    passed: int = 0
    failed: int = 0
    not_written: list[str] = field(default_factory=list)  # `mle: <hint>`, in test order
    import_error: str = ""
    first_failure: str = ""

    @property
    def status(self) -> str:
        if self.failed == 0:
            return PASSING if self.passed else NOT_STARTED
        if self.failed == len(self.not_written) and not self.passed and not self.import_error:
            return NOT_STARTED
        return FAILING

    def rows(self, width: int) -> list[str]:
        """The stage's line in the table, and the import's error under it."""
        if not self.import_error:
            return [self.row(width)]
        error = self.import_error.split(": ", 1)[-1] if IMPORT_PREFIX in self.import_error \
            else self.import_error
        return [self.row(width), *wrap(error, width, "  ")]

    def row(self, width: int) -> str:
        counted = f"{self.passed} of {self.passed + self.failed} tests pass"
        status = (f"{FAILING}: does not import" if self.import_error else
                  self.status if self.status == NOT_STARTED else f"{self.status} ({counted})")
        head = f"stage {self.number}  {self.title}"
        room = width - 1 - len(status) - 2
        head = head if len(head) <= room else head[:room - 3].rstrip() + "..."
        return f"{head:<{room}}  {status}"

    def function(self) -> str:
        """The function to work on first: of the first failure, or the first not written."""
        called = re.match(r"(\w+)\(", self.first_failure)
        if called:
            return called.group(1)
        return self.not_written[0].partition(":")[0] if self.not_written else ""

    def headline(self) -> str:
        """What to do first in this stage, in a sentence."""
        if self.import_error:
            return f"Next: make {self.filename} import (stage {self.number})."
        where = f"{self.function()} in {self.filename}" if self.function() else self.filename
        if self.status == NOT_STARTED:
            return f"Start with stage {self.number}: write {where}."
        return f"Next: stage {self.number}, {where} (the first failure above)."

    def details(self) -> str:
        """The reason behind the headline: the import's error, the failure or the hint."""
        if self.import_error:
            return self.import_error
        if self.status == NOT_STARTED or not self.first_failure:
            return NOT_WRITTEN + self.not_written[0] if self.not_written else ""
        return self.first_failure


class Standing:
    """The stages of a course (or of the test files run) and their tests' outcomes."""

    def __init__(self, folder: Path, test_files: list[Path]) -> None:
        self.folder = folder
        self.stages = _stages(folder, test_files)

    def ran(self) -> bool:
        """Whether any test of these stages ran."""
        return any(tally.passed or tally.failed for tally in self.stages.values())

    def tally(self, test_file: str) -> StageTally | None:
        return self.stages.get(Path(test_file).name.removeprefix("test_"))

    def first_line(self) -> str:
        """Before the tests run: the first stage file that does not parse, else the first
        function still a stub, and the stages not started."""
        for name, tally in self.stages.items():
            if why := syntax_error(self.folder / name):
                return (f"Start with stage {tally.number}: {name} does not parse ({why}), so "
                        "its tests cannot run; the end of the run says what passes.")
        unwritten = {name: stubs(self.folder / name) for name in self.stages}
        fresh = [tally.number for name, tally in self.stages.items() if unwritten[name]
                 and len(unwritten[name]) == len(functions(self.folder / name))]
        first = next(((tally, unwritten[name][0]) for name, tally in self.stages.items()
                      if unwritten[name]), None)
        if first is None:
            return "Every function is written; the end of this run says which stages pass."
        tally, function = first
        fresh_words = f"stages {_numbers(fresh)}" if len(fresh) > 1 else f"stage {fresh[0]}" \
            if fresh else "no stage"
        return (f"Start with stage {tally.number}: write {function} in {tally.filename} "
                f"({fresh_words} not started; the end of the run says what passes).")

    def ahead(self) -> StageTally | None:
        """The stage to work on: the first that does not pass."""
        return next((tally for tally in self.stages.values() if tally.status != PASSING), None)

    def last_line(self) -> str:
        """After the tests ran: the next step and every stage's status."""
        ahead = self.ahead()
        if ahead is None:
            done = ("Every stage here passes its visible tests" if len(self.stages) > 1
                    else "This stage passes its visible tests")
            return f"{done}: commit and push your work. {self.counts()}"
        return f"{ahead.headline()} {self.counts()}"

    def counts(self) -> str:
        """`Stages passing: 1; failing: 2; not started: 3-6.`"""
        groups: dict[str, list[int]] = {PASSING: [], FAILING: [], NOT_STARTED: []}
        for tally in self.stages.values():
            groups[tally.status].append(tally.number)
        said = [f"{status}: {_numbers(numbers)}" for status, numbers in groups.items() if numbers]
        return ("Stages " if len(self.stages) > 1 else "Stage ") + "; ".join(said) + "."

    def table(self, width: int) -> list[str]:
        lines = [line for tally in self.stages.values() for line in tally.rows(width)]
        if (ahead := self.ahead()) is not None and not ahead.import_error:
            details = wrap(ahead.details(), width, "  ")
            lines += [*wrap(ahead.headline(), width),
                      *(details if len(details) <= 4 else [*details[:3], "  ..."])]
        return lines


def _numbers(numbers: list[int]) -> str:
    """`1-3, 5`: stage numbers, runs shortened."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else ", ".join(map(str, run))
                     for run in runs)


def _stages(folder: Path, test_files: list[Path]) -> dict[str, StageTally]:
    """Stage file name -> its tally: the course's stages whose tests run, in course order
    (the test files' own order outside a course)."""
    names = [path.name.removeprefix("test_") for path in test_files]
    try:
        course = load_course(find_root(folder))
        known = [(stage.filename, stage.number, stage.title) for stage in course.stages
                 if stage.filename in names]
    except CourseNotFound:
        known = []
    if not known:
        known = [(name, number, Path(name).stem) for number, name in enumerate(names, 1)]
    return {name: StageTally(number, title, name) for name, number, title in known}


def syntax_error(path: Path) -> str:
    """`SyntaxError: invalid syntax, line 84` when a stage file does not parse, else ""."""
    try:
        ast.parse(path.read_text(), filename=path.name)
    except SyntaxError as error:
        return f"{type(error).__name__}: {error.msg}, line {error.lineno}"
    except (OSError, ValueError):
        return ""
    return ""


def functions(path: Path) -> list[str]:
    """The public functions of a stage file, in order ([] when it does not parse)."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, ValueError):
        return []
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]


def stubs(path: Path) -> list[str]:
    """The functions of a stage file whose body is still `raise NotImplementedError(...)`."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            body = [line for line in node.body if not (
                isinstance(line, ast.Expr) and isinstance(line.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in (
                    ast.unparse(body[0].exc) if body[0].exc else ""):
                found.append(node.name)
    return found
