"""What a flood of printing costs grading: time and memory, beside quiet submissions.

    python bench/output_flood.py [--size 4] [--megabytes 200]

Grades, in this same run, a class of quiet stage-1 submissions (the reference
solution) and a class of the same size whose `mle` prints `--megabytes` MB in a loop
on its first call, each with the real `mapcourse grade --jobs 1`. Reports seconds per
submission of each, their ratio, the peak memory of the whole process tree of each,
and the size of the flood's feedback file (the head is kept, not the flood).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from grade_speed import run  # noqa: E402

LINE = "debug " + "x" * 9993  # 10,000 bytes with its newline
FLOOD = '''

_right_mle = mle
_printed = []


def mle(heads, tails):  # noqa: F811
    if not _printed:
        _printed.append(True)
        for _ in range({lines}):
            print("{line}")
    return _right_mle(heads, tails)
'''


def make_class(folder: Path, size: int, extra: str) -> Path:
    solution = (ROOT / "solutions" / "stage1_mle_coin.py").read_text()
    for index in range(size):
        (folder / f"{index:03d}").mkdir(parents=True)
        (folder / f"{index:03d}" / "stage1_mle_coin.py").write_text(solution + extra)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4, help="submissions per class")
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    flood = FLOOD.format(lines=args.megabytes * 100, line=LINE)
    with tempfile.TemporaryDirectory(prefix="mapcourse-bench-") as scratch:
        quiet = make_class(Path(scratch) / "quiet", args.size, "")
        loud = make_class(Path(scratch) / "loud", args.size, flood)
        results = {"quiet": run(quiet, 1), "flood": run(loud, 1)}
        out = Path(scratch) / "out"
        subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(loud / "000"),
                        "--out", str(out), "--format", "json"], cwd=ROOT, check=True,
                       capture_output=True)
        feedback_bytes = (out / "feedback" / "000.md").stat().st_size
    ratio = results["flood"]["s_per_submission"] / results["quiet"]["s_per_submission"]
    print(json.dumps({**results, "printed_mb_per_submission": args.megabytes,
                      "time_ratio_flood_to_quiet": round(ratio, 2),
                      "memory_ratio_flood_to_quiet": round(
                          results["flood"]["peak_rss_mib"] / results["quiet"]["peak_rss_mib"], 2),
                      "flood_feedback_bytes": feedback_bytes}, indent=2))


if __name__ == "__main__":
    main()
