"""The reference solutions, loaded for the hidden suites from the course's solutions/."""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType

from mapcourse.manifest import load_course


@cache
def reference(stage_id: str) -> ModuleType:
    """The reference module of a stage (`solutions/<stage_id>.py`), imported once."""
    course = load_course()
    path = course.solutions_dir / f"{stage_id}.py"
    spec = importlib.util.spec_from_file_location(f"mapcourse_reference_{stage_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
