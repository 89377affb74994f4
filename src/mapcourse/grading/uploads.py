"""Finding the stage files in an upload as students make them.

An upload may nest its stage files (a subfolder, a zip of the whole release
repository), split them over folders, keep a stale copy of the stubs beside the real
work, carry a browser's copy name (`stage3_gaussian_l2 (1).py`) or be a notebook
(`stage1_mle_coin.ipynb`). Each stage is located on its own; `choose` says which
candidate is graded, and the stage's note says what was used and what was ignored.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mapcourse.manifest import Course
from mapcourse.progress.workspace import FOLDER, RELEASE_INFO
from mapcourse.stubs import StubError, stub_source

IGNORED_FOLDERS = frozenset({"__MACOSX", "__pycache__", "site-packages", "node_modules"})
KINDS = ("file", "copy", "notebook")  # a stage's own name, a copy's name, a notebook
KIND_WORDS = {"copy": "a copy's name", "notebook": "a notebook"}
MAX_LISTED = 8  # files named in a missing stage's message
COPY_SUFFIX = r"(?:\s*\(\d+\)|[-_ ]\d+|\s*-?\s*copy(?:\s*\(?\d+\)?)?)"


@dataclass(frozen=True)
class Candidate:
    """A file that may be a stage: where it is, what name it has, and whether it is a stub."""

    path: Path
    relative: str  # the path inside the upload, with forward slashes
    kind: str  # one of KINDS
    stub: bool
    mtime: float

    @property
    def depth(self) -> int:
        return self.relative.count("/")

    @property
    def folder(self) -> str:
        return self.relative.rpartition("/")[0]


@dataclass(frozen=True)
class StageChoice:
    """One stage of the upload: the file graded (None: missing) and the ones not used."""

    stage: str
    filename: str
    chosen: Candidate | None
    ignored: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Upload:
    """Where each stage comes from, and what else the upload holds."""

    root: Path
    stages: tuple[StageChoice, ...]
    others: tuple[str, ...]  # the .py and .ipynb files that are no stage, relative
    non_code: tuple[str, ...]  # every other file, relative
    unreadable: dict[str, str] = field(default_factory=dict)  # notebook -> why
    helpers: dict[str, str] = field(default_factory=dict)  # name in the folder -> relative
    clashes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folder -> not copied

    def choice(self, stage_id: str) -> StageChoice:
        return next(choice for choice in self.stages if choice.stage == stage_id)


class Stubs:
    """The course's stubs as the solutions generate them, compared by syntax tree."""

    def __init__(self, course: Course) -> None:
        self.trees: dict[str, str] = {}
        for stage in course.stages:
            solution = course.solutions_dir / stage.filename
            try:
                self.trees[stage.id] = _tree(stub_source(solution.read_text(), stage.filename))
            except (OSError, StubError, SyntaxError, ValueError):
                continue  # no stub to compare with: no file of that stage counts as one

    def untouched(self, stage_id: str, source: str, recorded: set[str]) -> bool:
        """Whether `source` is the stage's stub, up to comments, blank lines and layout,
        or a stub the upload's release record lists (its SHA-256)."""
        if hashlib.sha256(source.encode()).hexdigest() in recorded:
            return True
        try:
            return self.trees.get(stage_id) == _tree(source)
        except (SyntaxError, ValueError):
            return False


def _tree(source: str) -> str:
    return ast.dump(ast.parse(source))


def notebook_source(text: str) -> str:
    """A notebook's code cells, in order, as one module; IPython's `%` and `!` lines dropped,
    and so are nbgrader's test cells (graded, not a solution): they test the module.

    Raises ValueError when `text` is not a notebook (nbformat 4's JSON).
    """
    try:
        cells = json.loads(text)["cells"]
        sources = ["".join(cell["source"]) if isinstance(cell["source"], list)
                   else str(cell["source"]) for cell in cells
                   if cell.get("cell_type") == "code" and not _test_cell(cell)]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a notebook ({type(error).__name__}: {error})") from None
    lines = [line for cell in sources for line in cell.splitlines()
             if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines) + "\n"


def _test_cell(cell: dict) -> bool:
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return bool(grading.get("grade")) and not grading.get("solution")


def stage_source(candidate: Candidate) -> str:
    """What the stage module reads: the file itself, or a notebook's code cells."""
    text = candidate.path.read_text(encoding="utf-8", errors="replace")
    return notebook_source(text) if candidate.kind == "notebook" else text


def locate(root: Path, course: Course, stubs: Stubs | None = None) -> Upload:
    """Every stage's candidates in the upload at `root`, and the one `choose` grades."""
    stubs = stubs or Stubs(course)
    patterns = {stage.id: _pattern(stage.id) for stage in course.stages}
    files, recorded = _walk(root)
    found: dict[str, list[Candidate]] = {stage.id: [] for stage in course.stages}
    others, non_code, unreadable = [], [], {}
    for path, relative in files:
        stage_id, kind = _match(path.name, patterns)
        if stage_id is None:
            (others if path.suffix in (".py", ".ipynb") else non_code).append(relative)
            continue
        candidate = Candidate(path, relative, kind, False, path.stat().st_mtime)
        try:
            source = stage_source(candidate)
        except (OSError, ValueError) as error:
            unreadable[relative] = str(error)
            continue
        found[stage_id].append(Candidate(path, relative, kind,
                                         stubs.untouched(stage_id, source, recorded),
                                         candidate.mtime))
    stages = []
    for stage in course.stages:
        ranked = choose(found[stage.id])
        stages.append(StageChoice(stage.id, stage.filename, ranked[0] if ranked else None,
                                  tuple(ranked[1:])))
    helpers, clashes = _helpers(stages, files, patterns)
    return Upload(root, tuple(stages), tuple(others), tuple(non_code), unreadable, helpers,
                  clashes)


def choose(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates best first: not an untouched stub, then the shallowest, then the newest,
    then the stage's own name before a copy's name before a notebook, then by path."""
    return sorted(candidates, key=lambda c: (c.stub, c.depth, -c.mtime, KINDS.index(c.kind),
                                             c.relative))


def _helpers(stages: list[StageChoice], files: list[tuple[Path, str]],
             patterns: dict[str, re.Pattern[str]]
             ) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The modules a chosen stage file may import: the other .py files and the packages
    (folders with an `__init__.py`) of its folder. Folders in the order of the stages
    they supply; a name an earlier folder took is not copied again (a clash, unless the
    files are the same)."""
    paths = {relative: path for path, relative in files}
    folders = list(dict.fromkeys(c.chosen.folder for c in stages if c.chosen is not None))
    helpers: dict[str, str] = {}
    clashes: dict[str, list[str]] = {}
    for folder in folders:
        prefix = f"{folder}/" if folder else ""
        for path, relative in files:
            if not relative.startswith(prefix):
                continue
            name = relative[len(prefix):]
            top, _, inner = name.partition("/")
            if inner and f"{prefix}{top}/__init__.py" not in paths:
                continue  # a plain subfolder, not a package
            if not inner and (path.suffix != ".py" or _match(path.name, patterns)[0]):
                continue  # not a module, or a stage's file
            if name not in helpers:
                helpers[name] = relative
            elif paths[helpers[name]].read_bytes() != path.read_bytes():
                clashes.setdefault(folder, []).append(
                    f"`{relative}` (`{helpers[name]}` has its name)")
    return helpers, {folder: tuple(notes) for folder, notes in clashes.items()}


def _pattern(stage_id: str) -> re.Pattern[str]:
    return re.compile(rf"({re.escape(stage_id)})({COPY_SUFFIX}?)\.(py|ipynb)", re.IGNORECASE)


def _match(name: str, patterns: dict[str, re.Pattern[str]]) -> tuple[str | None, str]:
    """The stage a file name stands for, and its kind; (None, "") for any other name."""
    for stage_id, pattern in patterns.items():
        if match := pattern.fullmatch(name):
            if match.group(3).lower() == "ipynb":
                return stage_id, "notebook"
            own = match.group(1) == stage_id and not match.group(2) and match.group(3) == "py"
            return stage_id, "file" if own else "copy"
    return None, ""


def ignored_folder(folder: Path) -> bool:
    """Hidden folders (.git, .venv, .ipynb_checkpoints), caches, macOS's __MACOSX, and
    virtual environments (a folder with a pyvenv.cfg)."""
    return (folder.name.startswith(".") or folder.name in IGNORED_FOLDERS
            or (folder / "pyvenv.cfg").is_file())


def ignored_file(path: Path) -> bool:
    """Hidden files, among them macOS's `._name` AppleDouble files, and symlinks."""
    return path.name.startswith(".") or path.is_symlink() or not path.is_file()


def _walk(root: Path) -> tuple[list[tuple[Path, str]], set[str]]:
    """The upload's files (path, relative path), shallowest first, and the SHA-256 of every
    stub a release record inside it lists."""
    files: list[tuple[Path, str]] = []
    recorded: set[str] = set()
    if not root.is_dir():
        return files, recorded
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        recorded |= _recorded_stubs(here / FOLDER / RELEASE_INFO)
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink()
                         and not ignored_folder(here / d))
        files += [(here / name, (here / name).relative_to(root).as_posix())
                  for name in sorted(names) if not ignored_file(here / name)]
    files.sort(key=lambda item: (item[1].count("/"), item[1]))
    return files, recorded


def _recorded_stubs(release_info: Path) -> set[str]:
    if release_info.is_symlink() or not release_info.is_file():
        return set()
    try:
        stubs = json.loads(release_info.read_text()).get("stubs", {})
        return {value for value in stubs.values() if isinstance(value, str) and value}
    except (OSError, ValueError, AttributeError):
        return set()
