"""A large class for the report: submissions that share most of their code, or none.

    python bench/shared_class.py DIR [--students 300] [--kind shared|distinct] [--seed 0]

Every submission starts from the reference solutions (so every one grades full marks and
the grading is the same work as a real class's) and appends code of its own to each stage
file, functions the tests never call:

- `shared`: as a class does when a solution leaks. Most students (LEAKED of them) hand in
  one leaked extension of the reference (some forty lines per stage, the same for all of
  them) plus a few lines of their own; small groups of three share an extension of their
  group's; a few write everything themselves; a few hand in the reference unchanged. Most
  pairs of the class are alike, one cluster holds most of it, and the reference is matched
  by those who handed it in.
- `distinct`: every student writes forty lines of their own per stage; no two are alike.

The same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEAKED = 0.8  # of a shared class: the leaked extension
GROUPED = 0.1  # in groups of GROUP, each with its own extension
GROUP = 3
REFERENCE = 0.03  # the reference, unchanged; the rest write their own
LEAK_LINES = 40
OWN_LINES = 5  # what a student of a leak or a group adds
DISTINCT_LINES = 40


def block(rng: random.Random, name: str, lines: int) -> str:
    """A function of about `lines` lines that nobody else writes the same way."""
    body = [f"def {name}(values, scale=1.0):", "    total = 0.0"]
    while len(body) < lines:
        a, b = round(rng.uniform(0.5, 99.5), 2), rng.randint(2, 97)
        op = rng.choice("+-*")
        body += rng.choice([
            [f"    total = total {op} {a} * len(values) - {b}"],
            ["    for index, value in enumerate(values):",
             f"        total {op}= (value ** {b % 4 + 1}) / ({a} + index)"],
            [f"    if total > {a * b}:", f"        total = total / {b} {op} scale"],
            [f"    total = max(total, {a}) {op} min(values, default={b})"],
            ["    while total > 1e9:", f"        total = total / {a} {op} {b}"],
        ])
    return "\n".join([*body, "    return total * scale", ""])


def make_class(folder: Path, students: int, kind: str, seed: int = 0) -> Path:
    """Write `students` submission folders under `folder`; return it."""
    rng = random.Random(seed)
    stages = sorted((ROOT / "solutions").glob("stage*.py"))
    leak = {stage.name: block(random.Random(f"leak {stage.name}"), "_leaked_helper",
                              LEAK_LINES) for stage in stages}
    leaked = round(LEAKED * students) if kind == "shared" else 0
    grouped = round(GROUPED * students) // GROUP * GROUP if kind == "shared" else 0
    unchanged = round(REFERENCE * students) if kind == "shared" else 0
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(students):
        target = folder / f"student{number:04d}"
        target.mkdir()
        for stage in stages:
            text = stage.read_text()
            own = block(rng, f"_my_helper_{number}", OWN_LINES)
            if number < leaked:
                text += "\n\n" + leak[stage.name] + "\n\n" + own
            elif number < leaked + grouped:
                group = (number - leaked) // GROUP
                text += "\n\n" + block(random.Random(f"group {group} {stage.name}"),
                                       "_our_helper", LEAK_LINES) + "\n\n" + own
            elif number < leaked + grouped + unchanged:
                shutil.copy(stage, target / stage.name)
                continue
            else:
                text += "\n\n" + block(rng, f"_my_helper_{number}", DISTINCT_LINES)
            (target / stage.name).write_text(text)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--kind", choices=("shared", "distinct"), default="shared")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    make_class(args.folder, args.students, args.kind, args.seed)
    print(f"{args.students} submissions ({args.kind}) in {args.folder}")


if __name__ == "__main__":
    main()
