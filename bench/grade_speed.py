"""How fast `mapcourse grade` grades a class, and how much memory it takes.

    python bench/grade_speed.py [--class-size 40] [--large 200] [--jobs 1 2]

Builds classes from the labelled corpus (wrong and correct cases in turn, so the
suites meet real mistakes), runs the real command once per setting in this same
run, and reports seconds per submission, the ratio between settings, and the peak
resident memory of the whole process tree (grader, workers, sandboxes), sampled.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus import build, cases  # noqa: E402


def make_class(size: int, folder: Path) -> Path:
    """A class of `size` submissions built from the corpus cases, in turn."""
    folder.mkdir(parents=True)
    for index, case in enumerate(islice(cycle(cases()), size)):
        built = build(case, folder / "tmp")
        built.rename(folder / f"{index:03d}-{case.name}")
    (folder / "tmp").rmdir()
    return folder


def tree_rss(root_pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def run(class_dir: Path, jobs: int) -> dict:
    """Grade the class once; wall seconds, CPU seconds and peak memory of the tree."""
    command = [sys.executable, "-m", "mapcourse", "grade", str(class_dir), "--format",
               "json", "--jobs", str(jobs)]
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = os.times()
    report = json.loads(output)
    size = len(report["submissions"])
    return {"jobs": jobs, "submissions": size, "wall_s": round(wall, 2),
            "s_per_submission": round(wall / size, 3),
            "cpu_s": round(after.children_user + after.children_system
                           - before.children_user - before.children_system, 2),
            "peak_rss_mib": round(peak / 2**20), "load_before": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--large", type=int, default=200, help="size of the large run (0: skip)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mapcourse-bench-") as scratch:
        small = make_class(args.class_size, Path(scratch) / "class")
        results = [run(small, jobs) for jobs in args.jobs]
        if args.large:
            large = make_class(args.large, Path(scratch) / "large")
            results.append(run(large, max(args.jobs)))
    for result in results:
        print(json.dumps(result))
    first, best = results[0], results[len(args.jobs) - 1]
    print(f"speed-up of --jobs {best['jobs']} over --jobs {first['jobs']} "
          f"(same class, same run): {first['wall_s'] / best['wall_s']:.2f}x")


if __name__ == "__main__":
    main()
