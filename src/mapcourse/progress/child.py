"""`python -m mapcourse.progress.child PYTEST_ARGS...`: one stage's visible tests in a fresh
Python, where `check` does not fork (see mapcourse.progress.processes).

`-m` puts the current folder (the course's) first on sys.path; it is taken off, so the
stage files come from the stage folder that exercises/conftest.py puts first.
"""

from __future__ import annotations

import os
import sys


def main(args: list[str]) -> int:
    sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
    import pytest

    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
