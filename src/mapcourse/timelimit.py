"""The visible tests' time limit, as a student meets it in plain `pytest`.

pytest-timeout stops a test that runs longer than its `timeout` (the course's
exercises/pytest.ini and the release set it to the grader's per-test limit). Its own
report is a dump of every thread's stack and, with its thread method, the end of the run;
this plugin takes over the timer instead, so that a test that hangs fails alone, with what
`mapcourse check` says of a hang (`mapcourse.progress.watchdog`): the student's function
that did not return, its arguments, and the line it was running; and the run goes on.

- The signal method (where the OS has SIGALRM: pytest-timeout's default there) stops the
  test from the signal handler, which gets the running frame.
- The thread method (Windows) raises the same failure in the test's thread from a timer
  thread (`PyThreadState_SetAsyncExc`).
- Code that holds the interpreter (one long call into compiled code) lets neither run: then,
  `GRACE` seconds later, a timer prints the report and ends the run, as a last resort.

The other cases of a test that ran out of time are left out (failed at once), as the grader
and `check` do: each would most likely wait as long. The release's pytest configuration
loads this plugin (`-p mapcourse.timelimit`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from mapcourse.manifest import CourseNotFound, find_root, load_course
from mapcourse.progress.watchdog import GRACE, Hang, from_frame, hang_message
from mapcourse.progress.workspace import stage_dir

TAIL = 10  # lines of the test's captured output shown after a hang
_hung: dict[tuple[str, str], str] = {}  # (file, test function) -> the case that hung


class TimeLimitExceeded(pytest.fail.Exception):  # type: ignore[name-defined, misc]
    """A test ran past the limit: a failure whose message names what hung."""

    message = "the test did not finish in time"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message, pytrace=False)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """Start the limit for this test; pytest-timeout's cancel hook calls item.cancel_timeout."""
    if settings.method not in ("signal", "thread"):
        return None
    test_thread = threading.get_ident()
    by_signal = (settings.method == "signal" and hasattr(signal, "SIGALRM")
                 and threading.current_thread() is threading.main_thread())
    state = {"done": False, "fired": False}
    lock = threading.Lock()

    def stop(frame: FrameType | None) -> str:
        _hung[_key(item)] = _case(item)
        return _message(item, settings.timeout, frame)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        __tracebackhide__ = True
        state["fired"] = True
        raise TimeLimitExceeded(stop(frame))

    def on_timer() -> None:
        with lock:
            if state["done"]:
                return
            state["fired"] = True
            message = stop(sys._current_frames().get(test_thread))
            failure = type("TimeLimitExceeded", (TimeLimitExceeded,), {"message": message})
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(test_thread),
                                                        ctypes.py_object(failure))

    last_resort = threading.Timer(settings.timeout + GRACE, _end_run, (item, settings, test_thread))
    last_resort.name = f"last resort of {item.nodeid}"
    last_resort.daemon = True
    if by_signal:
        previous = signal.signal(signal.SIGALRM, on_signal)
        signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    else:
        timer = threading.Timer(settings.timeout, on_timer)
        timer.name, timer.daemon = f"time limit of {item.nodeid}", True
        timer.start()

    def cancel() -> None:
        if by_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        else:
            with lock:
                state["done"] = True
                if state["fired"]:  # a failure not delivered yet must not reach pytest's code
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(test_thread), None)
            timer.cancel()
        last_resort.cancel()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]
    last_resort.start()
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> None:
    """A case of a test another case of which ran out of time fails at once."""
    if (case := _hung.get(_key(pyfuncitem))) is not None:
        pytest.fail(f"not run: the case [{case}] of this test did not return within the time "
                    "limit, so its other cases were left out (each would most likely wait as "
                    "long).", pytrace=False)


def _key(item: pytest.Item) -> tuple[str, str]:
    return str(item.path), getattr(item, "originalname", item.name)


def _case(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return callspec.id if callspec else ""


def _message(item: pytest.Item, limit: float, frame: FrameType | None) -> str:
    """What hung, in check's words, then the line it was running."""
    folder = students_folder(Path(item.path))
    found = from_frame(frame, folder)
    lines = [hang_message(found, limit)]
    if found is not None and (source := _line(folder / found.file, found.line)):
        lines += [f"{found.file}, line {found.line}:", f"    {source}"]
    return "\n".join(lines)


def _end_run(item: pytest.Item, settings: Any, test_thread: int) -> None:
    """Print what hung and end the run: the test is stuck where no exception reaches it."""
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
    """The closing lines of a run the last resort ends: the test, what it printed last, the
    line running, what hung."""
    lines = ["", f"{' time limit ':=^78}",
             f"{test} was stopped at the limit of {limit:g} s per test, inside compiled code "
             "that no exception reaches; the tests after it did not run."]
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
