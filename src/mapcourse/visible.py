"""What every course's visible tests share: the stage files from the folder the tests run on,
each stage's import kept to its own tests, one paragraph per failure, where the student
stands at both ends of the run, and the `refuses` fixture.

A course's `exercises/conftest.py` imports these names (pytest finds hooks and fixtures by
name in a conftest) and calls `use_stage_folder`. Under `mapcourse check`
(mapcourse.progress.plugin writes the outcomes there) the run is left as pytest makes it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from mapcourse.checks import CheckFailed, expect_raises
from mapcourse.progress import loading
from mapcourse.progress.channel import OUT
from mapcourse.progress.standing import NOT_WRITTEN, Paragraph, Standing, wrap
from mapcourse.sandbox.calls import describe_exception
from mapcourse.sandbox.handle import describe_call, remote_exception

__all__ = ["pytest_configure", "pytest_pyfunc_call", "pytest_runtest_makereport",
           "pytest_sessionstart", "pytest_terminal_summary", "pytest_unconfigure", "refuses",
           "stage_dir", "use_stage_folder"]

_standing: list[Standing] = []  # this run's stages, when the run is the student's own
_folders: list[Path] = []  # the stage folder and the folder of the visible tests


def stage_dir(exercises: Path) -> Path:
    """The folder whose stage files the tests import: $MAPCOURSE_STAGE_DIR, else exercises."""
    return Path(os.environ.get("MAPCOURSE_STAGE_DIR", exercises)).resolve()


def use_stage_folder(exercises: Path) -> Path:
    """Import the stage files from `stage_dir(exercises)`, each one's failure to import kept
    to its own tests (mapcourse.progress.loading)."""
    folder = stage_dir(exercises)
    sys.path.insert(0, str(folder))
    _folders[:] = [folder, exercises.resolve()]
    if not _under_check():
        own = {path.stem for path in folder.glob("*.py")
               if not path.name.startswith("test_") and path.name != "conftest.py"}
        loading.install(folder, own)
    return folder


def _under_check() -> bool:
    return bool(os.environ.get(OUT))


@pytest.hookimpl(trylast=True)  # after the terminal reporter is there
def pytest_configure(config: pytest.Config) -> None:
    if _under_check() or not _folders or config.pluginmanager.get_plugin(
            "terminalreporter") is None:
        return
    _standing[:] = [Standing(_folders[0], _test_files(config, _folders[1]))]


def _test_files(config: pytest.Config, exercises: Path) -> list[Path]:
    """The visible test files this run was asked for, in name order."""
    start = config.invocation_params.dir
    found: set[Path] = set()
    for arg in config.args or [str(exercises)]:
        path = (start / arg.split("::")[0]).resolve()
        if path.is_dir():
            found |= set(path.rglob("test_*.py"))
        elif path.name.startswith("test_"):
            found.add(path)
    return sorted((path for path in found if path.parent == exercises), key=lambda p: p.name)


def pytest_sessionstart(session: pytest.Session) -> None:
    """The first line of the run: where to start."""
    if _standing and (terminal := session.config.pluginmanager.get_plugin("terminalreporter")):
        for line in wrap(_standing[0].first_line(), terminal._tw.fullwidth):
            terminal.write_line(line, bold=True)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> None:
    """A test of a stage file that did not import fails with the import's error."""
    if why := loading.broken_stage(pyfuncitem.module.__dict__):
        raise _StageImportFailed(why)


class _StageImportFailed(pytest.fail.Exception):  # type: ignore[name-defined, misc]
    def __init__(self, why: str) -> None:
        super().__init__(why, pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Generator:
    report = yield
    tally = _standing[0].tally(str(item.path)) if _standing else None
    if call.excinfo is None:
        if tally is not None and call.when == "call":
            tally.passed += 1
        return report
    if call.when != "call" or call.excinfo.errisinstance(pytest.skip.Exception):
        return report
    error = call.excinfo.value
    kind, message = _kind(error)
    if kind == "not-written":
        report.longrepr = message
    elif _standing and item.config.option.tbstyle == "auto":
        report.longrepr = Paragraph(message, *_test_line(item, call.excinfo))
    if tally is not None:
        report.mapcourse_kind = kind
        tally.failed += 1
        if kind == "not-written":
            tally.not_written.append(str(error))
        elif kind == "import":
            tally.import_error = tally.import_error or message
        elif not tally.first_failure:
            tally.first_failure = message
    return report


def _kind(error: BaseException) -> tuple[str, str]:
    """What ended a test: not written yet, a stage that did not import, or a failure, and
    the sentence that says so."""
    if isinstance(error, NotImplementedError):
        return "not-written", f"{NOT_WRITTEN}{error}"
    if isinstance(error, _StageImportFailed):
        return "import", str(error.msg)
    if isinstance(error, pytest.fail.Exception | pytest.skip.Exception):
        return "failed", str(error.msg)
    if isinstance(error, CheckFailed):
        return "failed", str(error)
    if isinstance(error, AssertionError):
        return "failed", str(error) or "the answer was not what the test expected."
    folder = _folders[0] if _folders else Path.cwd()
    return "failed", f"your code raised {loading.describe_error(error, folder)}"


def _test_line(item: pytest.Item, excinfo: pytest.ExceptionInfo) -> tuple[str, int]:
    """The test file's line the failure came from."""
    for entry in reversed(excinfo.traceback):
        if Path(str(entry.path)) == Path(str(item.path)):
            return str(item.path), entry.lineno + 1
    return "", 0


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Generator:
    """Failures of functions not written yet and of stages that did not import are summed
    up per stage, not shown one by one; pytest's short summary of the others is replaced by
    one that gives each whole reason, then the table of stages."""
    if not _standing:
        return (yield)
    stats, chars = terminalreporter.stats, terminalreporter.reportchars
    failed = stats.get("failed", [])
    grouped = [report for report in failed
               if getattr(report, "mapcourse_kind", "") in ("not-written", "import")]
    own = "f" in chars
    stats["failed"] = [report for report in failed if report not in grouped]
    if own:
        terminalreporter.reportchars = chars.replace("f", "")
    try:
        return (yield)
    finally:
        stats["failed"], terminalreporter.reportchars = failed, chars
        if failed or stats.get("passed"):
            width = terminalreporter._tw.fullwidth
            if own and (shown := [report for report in failed if report not in grouped]):
                terminalreporter.write_sep("=", "short test summary info")
                for report in shown:
                    terminalreporter.write_line(f"FAILED {report.nodeid}", red=True)
                    reason = wrap(_first_sentence(_reason(report)), width, "  ")
                    for line in reason if len(reason) <= 3 else [*reason[:2], "  ..."]:
                        terminalreporter.write_line(line)
            terminalreporter.write_sep("=", "where you stand")
            for line in _standing[0].table(width):
                terminalreporter.write_line(line)


def _first_sentence(text: str) -> str:
    """The call and what came back: the first sentence of a message (the rest is above)."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z(`])", text.strip(), maxsplit=1)[0]


def _reason(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if isinstance(report.longrepr, Paragraph):
        return report.longrepr.message
    return getattr(crash, "message", None) or str(report.longrepr).strip().splitlines()[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    """The last line of the run: the next step and each stage's status."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if _standing and terminal is not None and _standing[0].ran():
        for line in wrap(_standing[0].last_line(), terminal._tw.fullwidth):
            terminal.write_line(line, bold=True)
    _standing.clear()


def expect_refusal(function: Callable[..., Any], *args: Any,
                   names: str | tuple[str, ...] | None, concept: str = "",
                   call: str | None = None, **kwargs: Any) -> None:
    """function(*args, **kwargs) raises ValueError whose message names one of `names`.

    `names=None` checks the type only, where no single argument is at fault.
    """
    __tracebackhide__ = True
    shown = call or describe_call(function.__name__, args, kwargs)

    def attempt() -> Any:
        __tracebackhide__ = True
        try:
            return function(*args, **kwargs)
        except NotImplementedError:
            raise
        except Exception as error:  # judged by expect_raises: type and message
            raised = describe_exception(error)
            raise remote_exception(raised["type"], raised["bases"], raised["message"],
                                   shown) from error

    expect_raises(ValueError, attempt, call=shown, names=names, concept=concept)


@pytest.fixture
def refuses() -> Callable[..., None]:
    """`refuses(mle, -1, 2, names="heads")`: the call must raise ValueError naming `heads`."""
    return expect_refusal
