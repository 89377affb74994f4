"""Running one call of a student's function, on the student's side of the boundary.

`run_call` takes a request (function name and encoded arguments), calls the function
and answers with an encoded response. It runs inside the sandboxed process during
`mapcourse grade`, and in the same process for nbgrader notebooks (`LocalHandle`).
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Mapping
from typing import Any

from mapcourse.sandbox.protocol import Model, Tensor, decode, encode, encode_module

MAX_MESSAGE_CHARS = 2000


def run_call(namespace: Mapping[str, Any], request: dict) -> dict:
    """Call namespace[request["function"]] and describe what happened as plain data."""
    name = request["function"]
    function = namespace.get(name)
    if request.get("probe"):
        return {"status": "probe", "defined": callable(function)}
    if not callable(function):
        return {"status": "missing", "function": name}
    args = [_materialise(decode(arg)) for arg in request.get("args", [])]
    kwargs = {key: _materialise(decode(arg)) for key, arg in request.get("kwargs", {}).items()}
    models = {index: arg for index, arg in enumerate(args) if _is_module(arg)}
    models |= {key: arg for key, arg in kwargs.items() if _is_module(arg)}
    try:
        result = function(*args, **kwargs)
        value = _encode_result(result, models)
        grads = _backward(result, models) if request.get("backward") else None
        return {"status": "returned", "value": value, "grads": grads,
                "models": {str(key): encode_module(model, key) for key, model in models.items()}}
    except BaseException as error:  # noqa: BLE001 - every failure is reported to the grader
        return describe_exception(error)


def describe_exception(error: BaseException) -> dict:
    """An exception as plain data: its type, its builtin base classes and its message."""
    try:
        message = str(error)
    except BaseException:  # noqa: BLE001 - a broken __str__ is still a failure to report
        message = "<the exception's message could not be read>"
    bases = [kind.__name__ for kind in type(error).__mro__
             if getattr(builtins, kind.__name__, None) is kind]
    return {"status": "raised", "type": type(error).__name__, "bases": bases,
            "message": message[:MAX_MESSAGE_CHARS]}


def _materialise(value: Any) -> Any:
    """Build the torch objects that a request describes; leave plain data as it is."""
    if isinstance(value, Model):
        return build_model(value)
    if isinstance(value, Tensor):
        import torch

        return torch.tensor(value.values, dtype=torch.float32)
    if isinstance(value, list):
        return [_materialise(item) for item in value]
    return value


def build_model(spec: Model) -> Any:
    """nn.Linear layers of the given widths with Tanh between them, seeded."""
    import torch
    from torch import nn

    # The CPU generator alone: torch.manual_seed would also queue a CUDA seeding (with
    # a formatted stack) on every call, for a device the sandbox never has.
    torch.default_generator.manual_seed(spec.seed)
    layers: list[nn.Module] = []
    for width_in, width_out in zip(spec.sizes, spec.sizes[1:], strict=False):
        layers += [nn.Linear(width_in, width_out), nn.Tanh()]
    layers.pop()
    return layers[0] if len(layers) == 1 else nn.Sequential(*layers)


def _is_module(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.nn.Module)


def _is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _encode_result(result: Any, models: dict) -> Any:
    for key, model in models.items():
        if result is model:
            return encode_module(model, key)
    return encode(result)


def _backward(result: Any, models: dict) -> dict | None:
    """Back-propagate from a tensor result; the gradient of each model argument.

    None when the result is not a tensor that autograd can differentiate.
    """
    if not _is_tensor(result) or not result.requires_grad:
        return None
    for model in models.values():
        model.zero_grad(set_to_none=True)
    result.backward()
    return {
        str(key): [[name, encode(None if p.grad is None else p.grad.detach().clone())]
                   for name, p in model.named_parameters()]
        for key, model in models.items()
    }
