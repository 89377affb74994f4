"""Visible tests: run `pytest` in this folder to check your stage files.

The tests import your stage files from this folder. (The course's own test suite
sets MAPCOURSE_STAGE_DIR to run the same tests against other folders.)
"""

import os
import sys
from pathlib import Path

import pytest

STAGE_DIR = Path(os.environ.get("MAPCOURSE_STAGE_DIR", Path(__file__).parent)).resolve()
sys.path.insert(0, str(STAGE_DIR))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(NotImplementedError):
        report.longrepr = f"not implemented yet: {call.excinfo.value}"
    return report
