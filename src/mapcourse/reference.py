"""The reference solutions, loaded from the course's solutions/ for the hidden suites and
the textbook.

`load_reference(course, stage_id)` is the module itself, imported again whenever its file
changes (the textbook's figures and numbers, under `mkdocs serve`). The hidden tests ask
the reference the same questions for every submission (their examples are
derandomized), so `reference(stage_id)` returns the module behind a memo: a call with
arguments equal in value to an earlier one is answered from the cache, and a torch model
it changed in place is changed again the same way. Calls whose arguments or results
cannot be compared by value simply run.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from mapcourse.manifest import Course, load_course

_UNKEYABLE = object()
_loaded: dict[tuple[Path, int], ModuleType] = {}


def load_reference(course: Course, stage_id: str) -> ModuleType:
    """The reference module `solutions/<stage_id>.py`, imported again whenever the file changes."""
    path = course.solutions_dir / f"{stage_id}.py"
    key = (path.resolve(), path.stat().st_mtime_ns)
    if key not in _loaded:
        spec = importlib.util.spec_from_file_location(f"mapcourse_reference_{stage_id}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import the reference solution {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[key] = module
    return _loaded[key]


@functools.cache
def reference(stage_id: str) -> Any:
    """The reference module of a stage of this course (`solutions/<stage_id>.py`), memoized."""
    return MemoModule(load_reference(load_course(), stage_id))


class MemoModule:
    """A module whose own functions remember their answers."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._wrapped: dict[str, Callable] = {}
        self.answers: dict[str, dict[Any, tuple]] = {}
        """Each function's remembered answers by argument key (kept between runs by
        `mapcourse.grading.cache`)."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if not inspect.isfunction(value) or value.__module__ != self._module.__name__:
            return value
        if name not in self._wrapped:
            self._wrapped[name] = _memoize(value, self.answers.setdefault(name, {}))
        return self._wrapped[name]


def _memoize(function: Callable, cache: dict[Any, tuple]) -> Callable:
    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = _key((args, kwargs))
        if key is _UNKEYABLE:
            return function(*args, **kwargs)
        modules = [arg for arg in (*args, *kwargs.values()) if _is_module(arg)]
        if key in cache:
            return _replay(cache[key], modules)
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            cache[key] = ("raised", type(error), error.args)
            raise
        entry = _record(result, modules)
        if entry is not None:
            cache[key] = entry
        return result

    return remembered


def _record(result: Any, modules: list) -> tuple | None:
    """What to replay later: the result (or which model it was) and the models' states."""
    states = [copy.deepcopy(module.state_dict()) for module in modules]
    same = next((index for index, module in enumerate(modules) if result is module), None)
    if same is not None:
        return ("model", same, states)
    try:
        return ("value", copy.deepcopy(result), states)
    except (RuntimeError, TypeError):  # tensors inside an autograd graph: not replayable
        return None


def _replay(entry: tuple, modules: list) -> Any:
    if entry[0] == "raised":
        raise entry[1](*entry[2])
    kind, value, states = entry
    for module, state in zip(modules, states, strict=True):
        module.load_state_dict(state)
    return modules[value] if kind == "model" else copy.deepcopy(value)


def _key(value: Any) -> Any:
    """A hashable stand-in equal for arguments of equal value, or _UNKEYABLE."""
    if value is None or isinstance(value, bool | int | float | str | complex | np.generic):
        return (type(value).__name__, repr(value))
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, list | tuple):
        parts = tuple(_key(item) for item in value)
        return _UNKEYABLE if _UNKEYABLE in parts else (type(value).__name__, parts)
    if isinstance(value, dict):
        parts = tuple((_key(k), _key(v)) for k, v in value.items())
        return _UNKEYABLE if any(_UNKEYABLE in pair for pair in parts) else ("dict", parts)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        if value.requires_grad:
            return _UNKEYABLE
        return ("tensor", str(value.dtype), tuple(value.shape), value.numpy().tobytes())
    if _is_module(value):
        state = tuple((name, _key(tensor.detach())) for name, tensor in value.state_dict().items())
        return ("module", type(value).__name__, repr(value), state)
    return _UNKEYABLE


def _is_module(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.nn.Module)
