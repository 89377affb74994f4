"""Labelled submissions that the hidden suites must grade right.

A case is a folder under `wrong/` or `correct/` with a `case.toml`:

    why = "what the mistake (or the unusual but valid approach) is"
    loses = ["stage1_mle_coin"]   # stages that must lose points; [] for correct cases

and files that make the submission from the reference solutions:

- `<stage id>.patch.py` is appended to that reference stage file (later definitions
  replace earlier ones), so a case shows only its mistake;
- any other file (a whole `<stage id>.py`, a `helpers.py`) is copied as it is;
- `delete = ["stage3_gaussian_l2"]` in case.toml removes reference stage files.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default image): the same parser, from PyPI
    import tomli as tomllib

CORPUS = Path(__file__).parent
ROOT = CORPUS.parents[1]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "wrong" or "correct"
    folder: Path
    why: str
    loses: tuple[str, ...]
    delete: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.name}"


def cases(kind: str | None = None) -> list[Case]:
    """Every corpus case, or those of one kind, in name order."""
    found = []
    for folder in sorted(CORPUS.glob("*/*/case.toml")):
        data = tomllib.loads(folder.read_text())
        found.append(Case(folder.parent.name, folder.parent.parent.name, folder.parent,
                          data["why"], tuple(data.get("loses", ())),
                          tuple(data.get("delete", ()))))
    return [case for case in found if kind in (None, case.kind)]


def build(case: Case, destination: Path) -> Path:
    """Write the case's submission into destination/<case id>; return that folder."""
    target = destination / case.id
    target.mkdir(parents=True)
    for stage_file in sorted((ROOT / "solutions").glob("stage*.py")):
        if stage_file.stem not in case.delete:
            shutil.copy(stage_file, target / stage_file.name)
    for extra in sorted(case.folder.iterdir()):
        if extra.name == "case.toml" or extra.name == "__pycache__":
            continue
        if extra.name.endswith(".patch.py"):
            stage_file = target / extra.name.replace(".patch.py", ".py")
            stage_file.write_text(stage_file.read_text() + "\n\n" + extra.read_text())
        else:
            shutil.copy(extra, target / extra.name)
    return target
