"""Processes a grading run may have left behind."""

from __future__ import annotations

import time
from pathlib import Path

SANDBOX_UIDS = range(200_000, 200_000 + 100_000 * 16)
MARKER = "mapcourse-hostile"
ZYGOTE = "mapcourse.sandbox.zygote"


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, uid, command line) of every live process we can see (a killed
    one waiting for its parent to reap it runs no code: it is not counted)."""
    found = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if fields.get("State", "").strip().startswith(("Z", "X")):
            continue
        found[int(status.parent.name)] = (int(fields["PPid"]), int(fields["Uid"].split()[0]),
                                          cmdline)
    return found


def leftovers(settle_seconds: float = 5.0) -> list[tuple[int, int, str]]:
    """Student processes that outlived their stage: a sandbox uid's (or a hostile marker's)
    process that no live zygote is serving (other runs on this machine may be grading).

    A process killed just before grading returned may take a moment to end: the list
    is taken again until it is empty or `settle_seconds` have passed.
    """
    deadline = time.monotonic() + settle_seconds
    while (found := _leftovers()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _leftovers() -> list[tuple[int, int, str]]:
    processes = _processes()

    def served(pid: int) -> bool:
        seen = set()
        while pid in processes and pid not in seen:
            seen.add(pid)
            parent, _uid, cmdline = processes[pid]
            if ZYGOTE in cmdline:
                return True
            pid = parent
        return False

    return [(pid, uid, cmdline[:80]) for pid, (_parent, uid, cmdline) in processes.items()
            if (uid in SANDBOX_UIDS or MARKER in cmdline) and not served(pid)]
