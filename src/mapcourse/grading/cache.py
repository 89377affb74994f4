"""What grading needs that depends only on the course, kept between runs.

Two things are the same for every submission and every run of a course version: the
examples the hidden property tests draw (`replay`) and the reference solutions' answers
to the questions the hidden tests ask them (`mapcourse.reference`'s memo). Recording
them means running the hidden suites on the reference solutions, seconds that a single
submission (every Gradescope run) would otherwise pay each time. They are kept in
`.mapcourse-cache/grading.pickle` in the course folder (git ignores it; the Gradescope
bundle carries one built when the bundle is built, and `setup.sh` builds it again
for the image's own Python and packages), readable by the grader's user alone.

The file is used only under its key: a digest of the hidden suites, the solutions,
course.toml, the engine's own source and the versions of Python, pytest, hypothesis and
the course's modules. Any change to one of them is a miss: the suites run on the
reference solutions again, and the new file replaces the old. A miss, a damaged file or
a folder that cannot be written only cost that time; grades never depend on the cache.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mapcourse

CACHE_FOLDER = ".mapcourse-cache"
FILE_NAME = "grading.pickle"
FORMAT = 1
ENGINE_PARTS = ("grading", "sandbox", "codecs", "checks.py", "reference.py", "manifest.py",
                "terms.py", "timelimit.py")
"""What of the mapcourse package the examples and answers can depend on (in the key)."""
_REFERENCE_MODULE = "mapcourse_reference_"  # how mapcourse.reference names its modules


@dataclass
class CourseCache:
    """The recorded examples (by pytest node id) and the reference's answers (by stage,
    then function, then argument key), under the key they were recorded for."""

    key: str
    examples: dict[str, tuple] = field(default_factory=dict)
    answers: dict[str, dict[str, dict]] = field(default_factory=dict)


def cache_path(course: Any) -> Path:
    return course.root / CACHE_FOLDER / FILE_NAME


def cache_key(course: Any) -> str:
    """The digest of everything the cached examples and answers depend on."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode() + data)

    add("format", str(FORMAT).encode())
    add("python", sys.version.encode())
    for name in ("pytest", "hypothesis", *course.modules):
        add(f"version of {name}", _version(name).encode())
    package = Path(mapcourse.__file__).resolve().parent
    for path in _engine_files(package):
        add(f"engine {path.relative_to(package).as_posix()}", path.read_bytes())
    manifest = course.root / "course.toml"
    add("course.toml", manifest.read_bytes() if manifest.is_file() else b"")
    for folder in (course.hidden_tests_dir, course.solutions_dir):
        files = sorted(path for path in folder.rglob("*") if path.is_file()
                       and "__pycache__" not in path.parts) if folder.is_dir() else []
        add(f"folder {folder.name}", str(len(files)).encode())
        for path in files:
            add(path.relative_to(folder).as_posix(), path.read_bytes())
    return digest.hexdigest()


def _engine_files(package: Path) -> list[Path]:
    """The engine's files that recording and grading run: its subpackages in ENGINE_PARTS,
    the modules there (not the textbook's, the release's or the commands')."""
    files = []
    for part in ENGINE_PARTS:
        path = package / part
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path] * path.is_file()
    return files


def _version(name: str) -> str:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return "not installed"
    return str(getattr(module, "__version__", "unknown"))


def load(course: Any, key: str | None = None) -> CourseCache | None:
    """The course's cache if there is one for this very version of everything, else None."""
    key = key or cache_key(course)
    try:
        with open(cache_path(course), "rb") as file:
            stored = _Unpickler(file).load()
    except Exception:  # noqa: BLE001 - missing, unreadable or damaged: a miss
        return None
    if not isinstance(stored, CourseCache) or stored.key != key:
        return None
    return stored


def build(course: Any, timeout: float | None, key: str | None = None) -> CourseCache:
    """Run the hidden suites on the reference solutions: their examples and answers."""
    from mapcourse.grading.runner import record_examples, run_hidden_suites
    from mapcourse.sandbox.session import LocalRuntime

    key = key or cache_key(course)
    examples = record_examples(course, timeout)
    runtime = LocalRuntime()
    sessions = {stage.id: runtime.open_stage(course.solutions_dir, stage.id)
                for stage in course.stages}
    try:  # the other tests ask the reference their questions too
        run_hidden_suites(course, sessions, timeout, examples)
    finally:
        for session in sessions.values():
            session.close()
    return CourseCache(key, dict(examples), _answers(course))


def save(course: Any, cache: CourseCache) -> Path | None:
    """Write the cache (private to this user) atomically; None when the folder is read-only."""
    path = cache_path(course)
    data = _dumps(cache)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{FILE_NAME}.")
        with os.fdopen(handle, "wb") as file:  # mkstemp: mode 0600
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        return None
    return path


def prepare(course: Any, timeout: float | None) -> dict[str, tuple] | None:
    """Before grading: the recorded examples, from the cache or recorded now (and saved),
    with the reference's answers loaded. None when the course has no solutions or they
    cannot be recorded: hypothesis then draws the examples for each submission."""
    if not course.solutions_dir.is_dir():
        return None
    key = cache_key(course)
    cache = load(course, key)
    if cache is None:
        try:
            cache = build(course, timeout, key)
        except Exception:  # noqa: BLE001 - grading goes on, drawing examples itself
            return None
        save(course, cache)
    else:
        install_answers(course, cache)
    return cache.examples or None


def ensure(course: Any, timeout: float | None = None) -> Path | None:
    """The course's cache file, up to date for this environment (built now if it was not);
    None when the course has no solutions or the cache cannot be built or written. Built
    as the grader builds it: the course's codecs warmed (torch on one thread)."""
    from mapcourse import codecs
    from mapcourse.terms import TEST_TIME_LIMIT

    if not course.solutions_dir.is_dir():
        return None
    codecs.use(course)
    codecs.warm_up()
    key = cache_key(course)
    if load(course, key) is not None:
        return cache_path(course)
    try:
        built = build(course, TEST_TIME_LIMIT if timeout is None else timeout, key)
    except Exception:  # noqa: BLE001 - grading records them itself then
        return None
    return save(course, built)


def install_answers(course: Any, cache: CourseCache) -> None:
    """Give each stage's reference module the answers the cache holds for it."""
    if not _same_solutions(course):
        return
    from mapcourse.reference import reference

    for stage_id, functions in cache.answers.items():
        memo = reference(stage_id)
        for name, answers in functions.items():
            memo.answers.setdefault(name, {}).update(answers)


def _answers(course: Any) -> dict[str, dict[str, dict]]:
    """The reference modules' answers that can be stored (others are recomputed)."""
    if not _same_solutions(course):
        return {}
    from mapcourse.reference import reference

    kept: dict[str, dict[str, dict]] = {}
    for stage in course.stages:
        for name, answers in reference(stage.id).answers.items():
            for key, entry in answers.items():
                try:
                    _dumps((key, entry))
                except Exception:  # noqa: BLE001 - an answer pickle cannot hold
                    continue
                kept.setdefault(stage.id, {}).setdefault(name, {})[key] = entry
    return kept


def _same_solutions(course: Any) -> bool:
    """Whether `mapcourse.reference` loads this course's solutions (the answers are theirs)."""
    from mapcourse.manifest import load_course

    try:
        return load_course().solutions_dir.resolve() == course.solutions_dir.resolve()
    except Exception:  # noqa: BLE001 - no course to compare with
        return False


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Classes of the reference modules (a named tuple a solution returns) are stored by
    stage and name: those modules are loaded from a file, not importable by name."""

    def persistent_id(self, obj: Any) -> Any:
        module = getattr(obj, "__module__", None)
        if isinstance(obj, type) and isinstance(module, str) and \
                module.startswith(_REFERENCE_MODULE):
            return ("reference", module.removeprefix(_REFERENCE_MODULE), obj.__qualname__)
        return None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, stage_id, name = pid
        if kind != "reference":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        from mapcourse.reference import reference

        value = reference(stage_id)._module
        for part in name.split("."):
            value = getattr(value, part)
        return value
