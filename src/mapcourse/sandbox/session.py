"""Where a stage's code runs: the interface the grader uses, and the in-process runtime.

A `Runtime` opens one `StageSession` per (submission, stage). A session knows whether
the stage file was there and imported, and hands the hidden tests a `StudentHandle`.
`mapcourse grade` uses the sandboxed runtime (`mapcourse.sandbox.isolated`); the
in-process `LocalRuntime` here serves notebooks and quick checks of one's own code,
where nothing needs to be kept apart.
"""

from __future__ import annotations

import importlib.util
import signal
import sys
import threading
import traceback
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from mapcourse.sandbox.handle import LocalHandle, StudentHandle

MAX_IMPORT_MESSAGE = 500


class StageSession(ABC):
    """One stage of one submission, opened for the hidden tests."""

    status: str  # "graded", "missing" or "import-error"
    message: str  # for missing and import-error: what the student reads
    handle: StudentHandle
    output: str = ""  # the start of what the stage's code printed, once closed
    output_bytes: int = 0  # how many bytes it printed in all

    @abstractmethod
    def set_deadline(self, seconds: float | None) -> None:
        """Every call from now on must finish within `seconds` in all (None: no limit)."""

    @abstractmethod
    def close(self) -> None:
        """Release the stage's process and files."""


class Runtime(ABC):
    """Opens the stages of submissions."""

    name: str

    @abstractmethod
    def open_stage(self, submission: Path, stage_id: str) -> StageSession: ...

    def close(self) -> None:  # noqa: B027 - most runtimes hold nothing
        """Release whatever the runtime holds."""

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def import_error_message(error: BaseException, filename: str) -> str:
    """`SyntaxError: invalid syntax (line 3)`: the error's type and message, for the student."""
    if isinstance(error, SyntaxError):
        where = f" (line {error.lineno})" if error.lineno else ""
        return f"SyntaxError: {error.msg}{where}"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if Path(frame.filename).name == filename]
    where = f" (line {frames[-1].lineno})" if frames else ""
    text = f"{type(error).__name__}: {error}{where}"
    return text if len(text) <= MAX_IMPORT_MESSAGE else text[: MAX_IMPORT_MESSAGE - 3] + "..."


class LocalSession(StageSession):
    """A stage imported into this very process (no isolation)."""

    def __init__(self, submission: Path, stage_id: str) -> None:
        path = submission / f"{stage_id}.py"
        self.message = ""
        self.handle = LocalHandle({})
        if not path.is_file():
            self.status, self.message = "missing", "missing"
            return
        try:
            module = _import_path(path, f"_submission_{stage_id}_{id(self)}")
        except BaseException as error:  # noqa: BLE001 - any failure at import is the student's
            self.status, self.message = "import-error", import_error_message(error, path.name)
            return
        self.status = "graded"
        self.handle = TimedLocalHandle(vars(module))

    def set_deadline(self, seconds: float | None) -> None:
        self.handle.seconds = seconds

    def close(self) -> None:
        self.handle = LocalHandle({})


class _CallTimedOut(BaseException):
    """Raised by SIGALRM inside a student's call that ran past its time limit."""


class TimedLocalHandle(LocalHandle):
    """A LocalHandle whose calls stop after `seconds` (SIGALRM: on the main thread only)."""

    def __init__(self, namespace: Mapping[str, Any], seconds: float | None = None) -> None:
        super().__init__(namespace)
        self.seconds = seconds

    def _send(self, request: dict) -> dict:
        seconds = self.seconds
        if not seconds or threading.current_thread() is not threading.main_thread():
            return super()._send(request)

        def stop(signum: int, frame: object) -> None:
            raise _CallTimedOut

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            response = super()._send(request)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        timed_out = response.get("type") == _CallTimedOut.__name__
        return {"status": "timeout"} if timed_out else response


class LocalRuntime(Runtime):
    """Imports each stage in this process. No isolation: for trusted code only."""

    name = "none (in-process)"

    def open_stage(self, submission: Path, stage_id: str) -> StageSession:
        return LocalSession(submission, stage_id)


def _import_path(path: Path, module_name: str) -> ModuleType:
    """Import a file as a module, with its folder first on sys.path for its helpers.

    The helper modules it imports are dropped from sys.modules afterwards (the stage's
    functions keep them), so the next submission's `helpers.py` is its own.
    """
    folder = path.parent.resolve()
    sys.path.insert(0, str(folder))
    before = set(sys.modules)
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before - {module_name}:
            origin = getattr(sys.modules[name], "__file__", None) or ""
            if Path(origin).resolve().is_relative_to(folder):
                del sys.modules[name]
