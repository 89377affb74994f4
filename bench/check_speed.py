"""How long `mapcourse check` takes in a student's clone of the release.

    python bench/check_speed.py [--repeat 3]

Builds the student release, copies the reference solutions into exercises/ (so every
stage runs all its visible tests), then times, side by side in this run, each both with
stages forked from `check` (Linux) and in a fresh Python per stage (macOS, Windows, or
MAPCOURSE_CHECK_NO_FORK=1), the second as a ratio of the first:

- `check` on the untouched stubs (nothing runs: every stage is "not started");
- a full `check` after every stage file changed (no stored result can be reused);
- a full `check` again with nothing changed (the stored results);
- under `check --watch`, a full re-check after every stage file changed: the watcher
  keeps pytest, numpy and torch imported, so only the tests themselves run;
- a full `check` after every stage file changed, answered by the warm helper that an
  earlier check left running (mapcourse.progress.server; forking only).

The median of `--repeat` runs of each is reported.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapcourse.manifest import load_course  # noqa: E402
from mapcourse.progress.processes import NO_FORK  # noqa: E402
from mapcourse.release import build_release  # noqa: E402


def environment(clone: Path, helper: bool = False, fork: bool = True) -> dict[str, str]:
    """A student's: the release's src/ on the path, and Python caching bytecode as usual;
    with `helper`, the warm check helper on (its socket in the clone's scratch folder);
    without `fork`, a fresh Python per stage."""
    keep = {key: value for key, value in os.environ.items() if key not in (
        "MAPCOURSE_ROOT", "MAPCOURSE_STAGE_DIR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    return keep | {"PYTHONPATH": str(clone / "src"), "MAPCOURSE_CHECK_SERVER": str(int(helper)),
                   "MAPCOURSE_CHECK_SERVER_DIR": str(clone.parent / "helper"),
                   NO_FORK: "" if fork else "1"}


def check(clone: Path, helper: bool = False, fork: bool = True) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mapcourse", "check"], cwd=clone,
                   env=environment(clone, helper, fork), capture_output=True, check=False,
                   timeout=600)
    return time.perf_counter() - start


def helper_rounds(clone: Path, rounds: int) -> list[float]:
    """Seconds of a full check answered by the warm helper, every stage changed. The
    first check starts the helper; the second waits for it to be ready (not timed)."""
    touch_stages(clone, 2000)
    check(clone, helper=True)
    touch_stages(clone, 2001)
    check(clone, helper=True)
    try:
        times = []
        for number in range(rounds):
            touch_stages(clone, 2002 + number)
            times.append(check(clone, helper=True))
        return times
    finally:
        for lock in (clone.parent / "helper").glob("*.lock"):
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(lock.read_text() or 0), signal.SIGTERM)


def touch_stages(clone: Path, round_number: int) -> None:
    """Change every stage file (a comment), so no stored result applies."""
    for path in sorted((clone / "exercises").glob("stage*.py")):
        text = path.read_text().split("\n# bench round")[0]
        path.write_text(f"{text}\n# bench round {round_number}\n")


def watch_rounds(clone: Path, rounds: int, fork: bool = True) -> list[float]:
    """Seconds from changing every stage file to the watcher's next full report."""
    watcher = subprocess.Popen([sys.executable, "-m", "mapcourse", "check", "--watch"],
                               cwd=clone, env=environment(clone, fork=fork),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        read_until(watcher, "Watching")
        times = []
        for number in range(rounds):
            time.sleep(1.0)  # the watcher debounces changes; let it settle first
            start = time.perf_counter()
            touch_stages(clone, 1000 + 100 * fork + number)
            read_until(watcher, "Watching")
            times.append(time.perf_counter() - start)
        return times
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)


def read_until(process: subprocess.Popen, marker: str) -> None:
    while line := process.stdout.readline():
        if marker in line:
            return
    raise SystemExit("check --watch ended early")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = load_course()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mapcourse-check-bench-") as scratch:
        clone = Path(scratch) / "student-repo"
        build_release(course, clone, textbook="https://course.example.org/textbook")
        rows.append(("untouched stubs", *[[check(clone, fork=fork) for _ in range(args.repeat)]
                                          for fork in (True, False)]))
        for path in sorted(course.solutions_dir.glob("stage*.py")):
            shutil.copy(path, clone / "exercises" / path.name)
        full: dict[bool, list[float]] = {True: [], False: []}
        cached: dict[bool, list[float]] = {True: [], False: []}
        for number in range(args.repeat):
            for fork in (True, False):
                touch_stages(clone, 10 * number + fork)
                full[fork].append(check(clone, fork=fork))
                cached[fork].append(check(clone, fork=fork))
        rows += [("full check, every stage changed", full[True], full[False]),
                 ("full check, nothing changed", cached[True], cached[False]),
                 ("check --watch, every stage changed",
                  *[watch_rounds(clone, args.repeat, fork) for fork in (True, False)]),
                 ("full check by the warm helper, every stage changed",
                  helper_rounds(clone, args.repeat), [])]
    print(f"{'':52s} {'fork':>8s} {'no fork':>8s} {'ratio':>6s}")
    for name, forked, spawned in rows:
        fork_median = statistics.median(forked)
        line = f"{name:52s} {fork_median:6.2f} s"
        if spawned:
            fresh = statistics.median(spawned)
            line += f" {fresh:6.2f} s {fresh / fork_median:5.1f}x"
        print(line)
        for label, times in (("fork", forked), ("no fork", spawned)):
            if times:
                print(f"    runs, {label}: {', '.join(f'{t:.2f}' for t in times)}")


if __name__ == "__main__":
    main()
