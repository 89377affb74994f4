"""The visible tests' time limit, as a student meets it in plain `pytest`.

pytest-timeout stops a test that runs longer than its `timeout` (the release sets it to
the grader's per-test limit, with the thread method, which works on every platform).
Its own report is a dump of every thread's stack; this hook takes over the timer and
ends the run with what `mapcourse check` says of a hang (`mapcourse.progress.watchdog`):
the student's function that did not return, and the line it was running. The release's
pytest configuration loads it (`-p mapcourse.timelimit`).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from mapcourse.manifest import CourseNotFound, find_root, load_course
from mapcourse.progress.watchdog import Hang, from_frame, hang_message
from mapcourse.progress.workspace import stage_dir

TAIL = 10  # lines of the test's captured output shown after a hang


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
        folder = students_folder(Path(item.path))
        found = from_frame(sys._current_frames().get(test_thread), folder)
        terminal.write("\n" + report(item.nodeid, found, settings.timeout, printed, folder))
    except Exception:  # noqa: BLE001 - the run must still end, and say why
        terminal.write(f"\n{item.nodeid} did not finish within {settings.timeout:g} s\n")
    finally:
        terminal.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def students_folder(test_file: Path) -> Path:
    """Where the stage files are, as `check` and exercises/conftest.py find them; the test's
    own folder outside a course."""
    try:
        return stage_dir(load_course(find_root(test_file.parent)))
    except CourseNotFound:
        return test_file.parent.resolve()


def report(test: str, found: Hang | None, limit: float, printed: str, folder: Path) -> str:
    """The closing lines: the test, what it printed last, the line running, what hung."""
    lines = ["", f"{' time limit ':=^78}",
             f"{test} was stopped at the limit of {limit:g} s per test; the tests after it "
             "did not run."]
    if printed.strip():
        lines += ["It printed last:", *printed.rstrip().splitlines()[-TAIL:]]
    if found is not None and (source := _line(folder / found.file, found.line)):
        lines += [f"{found.file}, line {found.line}:", f"    {source}"]
    return "\n".join([*lines, hang_message(found, limit)]) + "\n"


def _line(path: Path, number: int) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""
