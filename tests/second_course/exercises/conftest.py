"""Visible tests: run `pytest` in this folder to check your stage files.

The tests import your stage files from this folder. (The course's own test suite
sets MAPCOURSE_STAGE_DIR to run the same tests against other folders.)
"""

import sys
from pathlib import Path

from mapcourse.visible import pytest_runtest_makereport, refuses, stage_dir  # noqa: F401

sys.path.insert(0, str(stage_dir(Path(__file__).parent)))
