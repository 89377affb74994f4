"""What every course's visible tests share: the stage files from the folder the tests run on,
a plain "not implemented yet" for a stub, and the `refuses` fixture.

A course's `exercises/conftest.py` imports these names (pytest finds hooks and fixtures by
name in a conftest) and puts the stage folder first on sys.path with `stage_dir`.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mapcourse.checks import expect_raises
from mapcourse.sandbox.calls import describe_exception
from mapcourse.sandbox.handle import describe_call, remote_exception


def stage_dir(exercises: Path) -> Path:
    """The folder whose stage files the tests import: $MAPCOURSE_STAGE_DIR, else exercises."""
    return Path(os.environ.get("MAPCOURSE_STAGE_DIR", exercises)).resolve()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(NotImplementedError):
        report.longrepr = f"not implemented yet: {call.excinfo.value}"
    return report


def expect_refusal(function: Callable[..., Any], *args: Any,
                   names: str | tuple[str, ...] | None, concept: str = "",
                   call: str | None = None, **kwargs: Any) -> None:
    """function(*args, **kwargs) raises ValueError whose message names one of `names`.

    `names=None` checks the type only, where no single argument is at fault.
    """
    shown = call or describe_call(function.__name__, args, kwargs)

    def attempt() -> Any:
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
