"""The visible tests' time limit, as a student meets it in plain `pytest`.

pytest-timeout stops a test that runs longer than its `timeout` (the release sets it to
the grader's per-test limit, with the thread method, which works on every platform).
Its own report is a dump of every thread's stack; this hook takes over the timer and
ends the run with what a student needs: the stage function that did not return, the
line it was running, and what to look for. The release's pytest configuration loads it
(`-p mapcourse.timelimit`).
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parent
TAIL = 10  # lines of the test's captured output shown after a hang


@dataclass(frozen=True)
class Hang:
    """Where a test was stopped: the student's function it called, and the line running."""

    function: str  # the function the test called
    running: str  # the function running the line (the same, or a helper it called)
    file: str
    line: int
    source: str

    def summary(self, limit: float) -> str:
        return f"{self.function} did not return within {limit:g} s (an infinite loop?)"


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """Start the thread method's timer; pytest-timeout's cancel hook stops it."""
    if settings.method != "thread":
        return None
    test_thread = threading.get_ident()
    timer = threading.Timer(settings.timeout, _stop, (item, settings, test_thread))
    timer.name = f"time limit of {item.nodeid}"
    timer.daemon = True

    def cancel() -> None:
        timer.cancel()
        timer.join()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]
    timer.start()
    return True


def _stop(item: pytest.Item, settings: Any, test_thread: int) -> None:
    """Print what hung and end the run: a thread cannot stop a loop in another one."""
    from pytest_timeout import is_debugging

    if not settings.disable_debugger_detection and is_debugging():
        return
    terminal = item.config.get_terminal_writer()
    try:
        printed = ""
        if capture := item.config.pluginmanager.getplugin("capturemanager"):
            capture.suspend_global_capture(item)
            printed = "".join(capture.read_global_capture())
        found = hang(sys._current_frames().get(test_thread), Path(item.config.rootpath),
                     Path(item.config.invocation_params.dir))
        terminal.write("\n" + report(item, found, settings.timeout, printed))
    finally:
        terminal.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def hang(frame: FrameType | None, root: Path, shown_from: Path) -> Hang | None:
    """The outermost call into the student's own files under `root` (the function the test
    called), at the innermost student line, its file shown relative to `shown_from`; None
    when the test's own code was running."""
    student = []
    while frame is not None:
        if is_students(Path(frame.f_code.co_filename), root):
            student.append(frame)
        frame = frame.f_back
    if not student:
        return None
    called, running = student[-1], student[0]
    path = Path(running.f_code.co_filename).resolve()
    source = _line(path, running.f_lineno)
    return Hang(_name(called), _name(running), _shown(path, shown_from), running.f_lineno, source)


def is_students(path: Path, root: Path) -> bool:
    """A file the student writes: under the repository, not a test, not an installed
    package nor `mapcourse` itself."""
    if str(path).startswith("<") or path.name == "conftest.py" or path.name.startswith("test_"):
        return False  # "<frozen runpy>", "<string>": no file
    path = path.resolve()
    if not path.is_relative_to(root):
        return False
    installed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), PACKAGE}
    return not any(path.is_relative_to(folder) for folder in installed)


def report(item: pytest.Item, found: Hang | None, limit: float, printed: str) -> str:
    """The closing lines: the test, where it was, what it printed last, and the summary."""
    lines = ["", f"{' time limit ':=^78}", item.nodeid,
             f"ran past the limit of {limit:g} s per test and was stopped, with the tests "
             "after it."]
    if printed.strip():
        lines += ["It printed last:", *printed.rstrip().splitlines()[-TAIL:]]
    if found is None:
        lines += ["The test's own code was running, not a function of yours.",
                  f"{item.name} did not finish within {limit:g} s"]
        return "\n".join(lines) + "\n"
    lines += [f"It was running {found.file}, line {found.line}, in {found.running}:",
              f"    {found.source}",
              "Look for a loop whose condition never changes, or work that grows far too fast.",
              found.summary(limit)]
    return "\n".join(lines) + "\n"


def _name(frame: FrameType) -> str:
    """`grid_mle`, or `PosteriorTable.normalise` for a method (Python 3.11's qualname)."""
    return getattr(frame.f_code, "co_qualname", frame.f_code.co_name)


def _shown(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)


def _line(path: Path, number: int) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""
