"""A stage file that does not import fails its own tests, and only those, in plain pytest.

A visible test file imports its stage file at its top (`from stage1_mle_coin import mle`);
a syntax error there, an exception, or a missing package would stop pytest's collection
("Interrupted: 1 error during collection") and no stage would run. `StageFinder` imports
each stage file of the student's folder itself: when the import fails, the stage gets a
stand-in module whose every name is there, and each test of a file that holds one fails
with the import's error (type, message, file and line). `mapcourse check` has its own
account of an import that fails (mapcourse.progress.plugin) and does not use this.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from mapcourse.progress.standing import IMPORT_PREFIX
from mapcourse.progress.watchdog import is_students


class StageNotImported:
    """What a stand-in module hands out for any name: calling it fails like the import."""

    def __init__(self, module: str, name: str, why: str) -> None:
        self.stage_import_error, self.module, self.name = why, module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise ImportError(self.stage_import_error)

    def __getattr__(self, name: str) -> StageNotImported:
        if name.startswith("__"):
            raise AttributeError(name)
        return StageNotImported(self.module, f"{self.name}.{name}", self.stage_import_error)

    def __repr__(self) -> str:
        return f"<{self.name} of {self.module}, which did not import>"


class _StandIn(ModuleType):
    def __getattr__(self, name: str) -> StageNotImported:
        if name.startswith("__"):
            raise AttributeError(name)
        return StageNotImported(self.__name__, name, self.stage_import_error)


class _GuardedLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, folder: Path) -> None:
        self.loader, self.folder = loader, folder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        try:
            self.loader.exec_module(module)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - the student's, reported per test
            kept = {key: module.__dict__[key] for key in ("__name__", "__file__", "__spec__",
                                                          "__loader__") if key in module.__dict__}
            module.__dict__.clear()
            module.__dict__.update(kept)
            module.__class__ = _StandIn
            module.stage_import_error = import_error(f"{kept['__name__']}.py", error,
                                                     self.folder)


class StageFinder(importlib.abc.MetaPathFinder):
    """Imports the modules named in `stages` from `folder`, each through the guard."""

    def __init__(self, folder: Path, stages: set[str]) -> None:
        self.folder, self.stages = folder, stages

    def find_spec(self, name: str, path: Any = None, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if name not in self.stages or not (self.folder / f"{name}.py").is_file():
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, [str(self.folder)])
        if spec is None or spec.loader is None:
            return None
        spec.loader = _GuardedLoader(spec.loader, self.folder)
        return spec


def install(folder: Path, stages: set[str]) -> None:
    """Guard the import of the stage modules `stages` of `folder` (once per process)."""
    if not any(isinstance(finder, StageFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, StageFinder(folder, stages))


def broken_stage(namespace: dict[str, Any]) -> str:
    """Why a test file's stage did not import ("" when it did), from the names it holds."""
    for value in namespace.values():
        why = getattr(value, "stage_import_error", None) if isinstance(
            value, ModuleType | StageNotImported) else None
        if isinstance(why, str):
            return why
    return ""


def import_error(filename: str, error: BaseException, folder: Path) -> str:
    """`stage1_mle_coin.py did not import ...: SyntaxError: ... (stage1_mle_coin.py, line 3)`."""
    from mapcourse.progress.plugin import missing_package

    advice = missing_package(error.name) if isinstance(error, ModuleNotFoundError) else ""
    return (f"{filename} {IMPORT_PREFIX}: "
            f"{describe_error(error, folder)}{advice}")


def describe_error(error: BaseException, folder: Path) -> str:
    """`ValueError: message (stage1_mle_coin.py, line 30, in mle)`: the error and where
    in the student's files it happened."""
    if isinstance(error, SyntaxError) and error.filename:
        return (f"{type(error).__name__}: {error.msg} ({Path(error.filename).name}, "
                f"line {error.lineno})")
    text = f"{type(error).__name__}: {error}"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if is_students(frame.filename, folder)]
    if frames:
        text += f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno}, in " \
                f"{frames[-1].name})"
    return text
