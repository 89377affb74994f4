"""Value types a course adds to the plain-data protocol: codecs, registered by the course.

The protocol's core (`mapcourse.sandbox.protocol`) carries numbers, strings, lists,
tuples, dicts, numpy arrays and named tuples. A course whose functions take or return
other values (torch models and tensors, say) names a codec in its manifest,
`[course] codecs = ["mapcourse.codecs.torch"]`: a module that registers a `Codec` when it
is imported. The grader imports the course's codecs before it grades
(`use(course)`), the sandbox's zygote imports the same ones before it forks, and a hidden
suite that imports a codec's value types registers it wherever the suite runs (an
nbgrader kernel). A course without codecs never imports one, nor what it wraps.

A codec says how its values cross the boundary (`encode` and its `decoders`, by tag),
what the trusted side's requests stand for on the student's side (`materialise`), which
arguments are models whose state comes back after a call (`is_model`, `encode_model`),
how to back-propagate from a result (`backward`), how a request reads in a message
(`describe`) and what to import and run once so that forked stage processes start warm
(`warm_up`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ENGINE_MODULES = ("numpy",)
"""What the engine itself imports on both sides of the boundary."""


def _nothing(value: Any, *args: Any) -> None:
    return None


@dataclass(frozen=True)
class Codec:
    """How one family of values crosses the boundary (see the module's docstring)."""

    name: str
    encode: Callable[[Any, int], dict | None]
    """The tagged form of a value of this codec's types, or None for any other value."""
    decoders: Mapping[str, Callable[[dict, int], Any]]
    """Tag -> the trusted value for that tagged form (raise ValueError when malformed)."""
    materialise: Callable[[Any], Any] = lambda value: value
    """On the student's side: the object a decoded request stands for (a model built)."""
    is_model: Callable[[Any], bool] = lambda value: False
    """Whether an argument is a model whose state is sent back after the call."""
    encode_model: Callable[[Any, int | str], dict] | None = None
    backward: Callable[[Any, dict], dict | None] = _nothing
    """Gradients of each model argument after back-propagating from a result, or None."""
    describe: Callable[[Any], str | None] = _nothing
    """How a request reads in a message about the call (`nn.Linear(3, 1)`), or None."""
    warm_up: Callable[[], None] = lambda: None


_REGISTERED: dict[str, Codec] = {}
_MODULES: list[str] = list(ENGINE_MODULES)


def register(codec: Codec) -> Codec:
    """Add a codec (again: replaces it). Codec modules call this when imported."""
    _REGISTERED[codec.name] = codec
    return codec


def registered() -> tuple[Codec, ...]:
    return tuple(_REGISTERED.values())


def names() -> tuple[str, ...]:
    """The registered codecs, by the module that registered each."""
    return tuple(_REGISTERED)


def load(modules: Iterable[str]) -> None:
    """Import each codec module (each registers its codec)."""
    for name in modules:
        importlib.import_module(name)


def use(course: Any) -> None:
    """Register the course's codecs and remember the modules its stages need (`preloads`)."""
    load(course.codecs)
    _MODULES[:] = list(dict.fromkeys([*ENGINE_MODULES, *course.modules]))


def preloads() -> tuple[str, ...]:
    """The modules a process that runs stage code imports first: the engine's, the course's."""
    return tuple(_MODULES)


def preload(modules: Iterable[str]) -> None:
    """Import each module that is installed (stage code that needs a missing one fails at
    its own import, which is the student's feedback; the sandbox's checks name it)."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            continue


def warm_up() -> None:
    """Import the course's modules and warm every registered codec (before forking)."""
    preload(preloads())
    for codec in registered():
        codec.warm_up()


def encode(value: Any, depth: int) -> dict | None:
    for codec in _REGISTERED.values():
        form = codec.encode(value, depth)
        if form is not None:
            return form
    return None


def decoder(tag: str) -> Callable[[dict, int], Any] | None:
    for codec in _REGISTERED.values():
        if tag in codec.decoders:
            return codec.decoders[tag]
    return None


def materialise(value: Any) -> Any:
    for codec in _REGISTERED.values():
        value = codec.materialise(value)
    return value


def model_codec(value: Any) -> Codec | None:
    """The codec whose model `value` is, or None."""
    return next((codec for codec in _REGISTERED.values() if codec.is_model(value)), None)


def backward(result: Any, models: dict) -> dict | None:
    for codec in _REGISTERED.values():
        grads = codec.backward(result, models)
        if grads is not None:
            return grads
    return None


def describe(value: Any) -> str | None:
    for codec in _REGISTERED.values():
        text = codec.describe(value)
        if text is not None:
            return text
    return None
