"""Does one submission fit Gradescope's default limits (768 MB, 10 minutes)?

    python bench/gradescope_limits.py [--build] [--python PY] [--torch-index URL]

Builds the bundle, unpacks it into a fake Gradescope root (`MAPCOURSE_AUTOGRADER_ROOT`)
and runs its `run_autograder` side by side on two submissions in this one run: the
reference solutions, and one whose every function hangs (the worst case: every test
runs into its time limit). For each: the time `run_autograder` takes and the peak PSS
of its whole process tree, sampled every 0.1 s from /proc/<pid>/smaps_rollup, with its
parts at the peak (grader, zygote and stage processes, bubblewrap); both as a share of
Gradescope's default limit.
With `--build`, `setup.sh` first builds the environment (with PY; torch from URL) and
the bench reports its time and size; without it, the bundle's environment is this
Python's (a symlink), which grades with the same code.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20
GRADESCOPE_SECONDS = 600  # Gradescope's default timeout of one submission


def tree_pss(root_pid: int) -> dict[str, int]:
    """Proportional set size (bytes) of a process and its descendants, by kind of process."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    parts: dict[str, int] = {}
    stack = [(root_pid, "")]
    while stack:
        pid, parent_kind = stack.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        kind = _kind(command, parent_kind)
        parts[kind] = parts.get(kind, 0) + sum(int(line.split()[1]) * 1024 for line in
                                               rollup.splitlines() if line.startswith("Pss:"))
        stack += [(child, kind) for child in children.get(pid, [])]
    return parts


def _kind(command: str, parent_kind: str) -> str:
    if "mapcourse.sandbox.zygote" in command:  # its forks keep its command line
        return "zygote and stage processes"
    if "mapcourse.gradescope" in command:
        return "grader"
    return "bubblewrap and shells"


def hanging(solution: Path) -> str:
    """The stage file with every top-level function replaced by one that never returns."""
    source = solution.read_text()
    names = [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    loops = "".join(f"\n\ndef {name}(*args, **kwargs):\n    while True:\n        pass\n"
                    for name in names)
    return source + loops


def unpack(bundle: Path, root: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)


def build(root: Path, python: str, torch_index: str | None) -> dict:
    environment = {**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(root),
                   "MAPCOURSE_PYTHON": python}
    if torch_index:
        environment["MAPCOURSE_TORCH_INDEX"] = torch_index
    started = time.monotonic()
    subprocess.run(["bash", str(root / "source" / "setup.sh")], env=environment, check=True)
    seconds = time.monotonic() - started
    size = sum(path.stat().st_size for path in (root / "venv").rglob("*")
               if path.is_file() and not path.is_symlink())
    return {"build_seconds": round(seconds, 1), "environment_mb": round(size / MB)}


def grade(root: Path, files: dict[str, str]) -> dict:
    """Run run_autograder on one submission; its time, peak PSS and results.json."""
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    submission.mkdir()
    for name, text in files.items():
        (submission / name).write_text(text)
    environment = {**os.environ, "MAPCOURSE_AUTOGRADER_ROOT": str(root)}
    started = time.monotonic()
    process = subprocess.Popen(["bash", str(root / "source" / "run_autograder")],
                               env=environment, stdout=subprocess.DEVNULL)
    peak: dict[str, int] = {}

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            parts = tree_pss(process.pid)
            if sum(parts.values()) > sum(peak.values()):
                peak = parts
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    sampler.join()
    seconds = time.monotonic() - started
    results = json.loads((root / "results" / "results.json").read_text())
    return {"seconds": round(seconds, 1), "peak_pss_mb": round(sum(peak.values()) / MB),
            "at_the_peak_mb": {kind: round(size / MB) for kind, size in sorted(peak.items())},
            "score": results["score"], "execution_time": results.get("execution_time")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="run setup.sh first")
    parser.add_argument("--python", default=sys.executable, help="the Python setup.sh uses")
    parser.add_argument("--torch-index", help="where setup.sh takes torch from")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from mapcourse.gradescope import DEFAULT_MEMORY_MB, build_bundle
    from mapcourse.manifest import load_course

    course = load_course(ROOT)
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        bundle = Path(scratch) / "autograder.zip"
        build_bundle(course, bundle)
        figures["bundle_kb"] = round(bundle.stat().st_size / 1024)
        root = Path(scratch) / "autograder"
        unpack(bundle, root)
        if args.build:
            figures["build"] = build(root, args.python, args.torch_index)
        else:
            (root / "venv" / "bin").mkdir(parents=True)
            (root / "venv" / "bin" / "python").symlink_to(sys.executable)
        solutions = {stage.filename: (course.solutions_dir / stage.filename).read_text()
                     for stage in course.stages}
        worst = {name: hanging(course.solutions_dir / name) for name in solutions}
        for label, files in (("reference solutions", solutions), ("every function hangs", worst)):
            run = grade(root, files)
            run["memory_share_of_768_mb"] = round(run["peak_pss_mb"] / DEFAULT_MEMORY_MB, 2)
            run["time_share_of_10_min"] = round(run["seconds"] / GRADESCOPE_SECONDS, 2)
            figures[label] = run
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
