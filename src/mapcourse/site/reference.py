"""The reference solutions, imported from the course's `solutions/` folder at build time."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from mapcourse.manifest import Course

_loaded: dict[tuple[Path, int], ModuleType] = {}


def load_reference(course: Course, stage_id: str) -> ModuleType:
    """The reference module `solutions/<stage_id>.py`, imported again whenever the file changes."""
    path = (course.solutions_dir / f"{stage_id}.py").resolve()
    key = (path, path.stat().st_mtime_ns)
    if key not in _loaded:
        spec = importlib.util.spec_from_file_location(f"mapcourse_site_{stage_id}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import the reference solution {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[key] = module
    return _loaded[key]
