"""Reading a running command's output in tests."""

from __future__ import annotations

import subprocess
import time


def read_until(process: subprocess.Popen, marker: str, timeout: float = 120) -> str:
    """Lines of the process's output up to the first holding `marker` (or its end)."""
    deadline, lines = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if marker in line or not line:
            break
    return "".join(lines)
