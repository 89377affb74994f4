"""The grader's per-test time limit inside a stage process, and a hang named by its function.

While a test runs (or the stage file is imported), a timer waits for the limit. When it
passes, the timer reads the test thread's stack, names the student's function the test
called, with its arguments, and the line it was running, hands that message over, and ends
the stage process: `check` starts the stage again for the tests after it. Code that holds
the interpreter (one long call into compiled code) keeps the timer from running; then
faulthandler writes every thread's stack to a file `GRACE` seconds later and ends the
process, and `check` names the function from that file (`from_dump`).
"""

from __future__ import annotations

import faulthandler
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

GRACE = 2.0  # seconds after the limit before faulthandler steps in
HUNG = 75  # exit code of a stage process the timer ended
ADVICE = "Look for a loop that never ends, or work that grows far too fast."


@dataclass(frozen=True)
class Hang:
    """Where a test was stopped: the student's function it called and the line running."""

    call: str  # `grid_mle(4, 1)`, or `grid_mle` when the arguments are not known
    running: str  # the function running the line (the same one, or a helper it called)
    file: str
    line: int

    def message(self, limit: float) -> str:
        inside = "" if self.call.partition("(")[0] == self.running else f", in {self.running}"
        return (f"{self.call} did not return within {limit:g} s: it was running line "
                f"{self.line} of {self.file}{inside}. {ADVICE}")


def hang_message(hang: Hang | None, limit: float, loading: str = "") -> str:
    """The student's message for a test (or, with `loading`, the import of that file) that
    ran past `limit` seconds."""
    if loading:
        where = f": it was running line {hang.line} of {hang.file}" if hang else ""
        return (f"importing {loading} did not finish within {limit:g} s{where}. Code at the "
                "top level of a stage file runs on import: keep it to definitions. " + ADVICE)
    if hang is None:
        return (f"the test did not finish within {limit:g} s, in the test's own code rather "
                f"than in a function of yours. {ADVICE}")
    return hang.message(limit)


def is_students(path: str, stage_dir: Path) -> bool:
    """A file of the student's: in the stage folder, and neither a test nor conftest.py."""
    file = Path(path)
    return (file.parent == stage_dir and not file.name.startswith("test_")
            and file.name != "conftest.py")


def from_frame(frame: FrameType | None, stage_dir: Path) -> Hang | None:
    """The hang in a live stack: the outermost call into the student's files, with its
    arguments, at the innermost student line; None when no student code was running."""
    student = []
    while frame is not None:
        if is_students(frame.f_code.co_filename, stage_dir):
            student.append(frame)
        frame = frame.f_back
    if not student:
        return None
    called, running = student[-1], student[0]
    return Hang(_call(called), running.f_code.co_name,
                Path(running.f_code.co_filename).name, running.f_lineno)


def from_dump(text: str, stage_dir: Path) -> Hang | None:
    """The hang in faulthandler's dump (every thread, most recent call first)."""
    for thread in re.split(r"\n(?=(?:Current )?[Tt]hread 0x)", text):
        frames = re.findall(r'File "(.+)", line (\d+) in (\S+)', thread)
        student = [frame for frame in frames if is_students(frame[0], stage_dir)]
        if student:
            path, line, running = student[0]
            return Hang(student[-1][2], running, Path(path).name, int(line))
    return None


def _call(frame: FrameType) -> str:
    """`grid_mle(4, 1)`: the function and the arguments it holds now (those still at their
    default values left out)."""
    from mapcourse.checks import show

    code, values = frame.f_code, frame.f_locals
    function = frame.f_globals.get(code.co_name)
    defaults = _defaults(function) if getattr(function, "__code__", None) is code else {}
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    shown = [show(values[name]) if index < code.co_argcount else f"{name}={show(values[name])}"
             for index, name in enumerate(names)
             if name in values and not (name in defaults and values[name] is defaults[name])]
    text = ", ".join(shown)
    return f"{code.co_name}({text if len(text) <= 120 else text[:117] + '...'})"


def _defaults(function: Callable) -> dict[str, object]:
    code = function.__code__
    positional = code.co_varnames[:code.co_argcount]
    given = function.__defaults__ or ()
    return dict(zip(positional[len(positional) - len(given):], given, strict=True)) | (
        function.__kwdefaults__ or {})


class Alarm:
    """One time limit at a time for the thread that arms it; `on_hang(message)` records
    the hang before the process ends."""

    def __init__(self, limit: float, stage_dir: Path, on_hang: Callable[[str], None],
                 dump: IO[str] | None) -> None:
        self.limit, self.stage_dir, self.on_hang, self.dump = limit, stage_dir, on_hang, dump
        self._timer: threading.Timer | None = None

    def arm(self, loading: str = "") -> None:
        """Start the limit for the running thread (`loading`: the file being imported)."""
        self.disarm()
        self._timer = threading.Timer(self.limit, self._fire, (threading.get_ident(), loading))
        self._timer.daemon = True
        self._timer.start()
        if self.dump is not None:
            faulthandler.dump_traceback_later(self.limit + GRACE, exit=True, file=self.dump)

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.dump is not None:
            faulthandler.cancel_dump_traceback_later()

    def _fire(self, thread: int, loading: str) -> None:
        try:
            hang = from_frame(sys._current_frames().get(thread), self.stage_dir)
            self.on_hang(hang_message(hang, self.limit, loading))
        finally:
            os._exit(HUNG)
