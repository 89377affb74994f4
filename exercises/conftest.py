"""Visible tests: run `pytest` in this folder to check your stage files.

The tests import your stage files from this folder. (The course's own test suite
sets MAPCOURSE_STAGE_DIR to run the same tests against other folders.) A stage file
that does not import fails only its own tests, and the run ends saying where you stand.
"""

from pathlib import Path

from mapcourse.visible import (  # noqa: F401 - pytest finds these hooks and fixtures by name
    pytest_configure,
    pytest_pyfunc_call,
    pytest_runtest_makereport,
    pytest_sessionstart,
    pytest_terminal_summary,
    pytest_unconfigure,
    refuses,
    use_stage_folder,
)

use_stage_folder(Path(__file__).parent)
