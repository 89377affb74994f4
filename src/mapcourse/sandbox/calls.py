"""Running one call of a student's function, on the student's side of the boundary.

`run_call` takes a request (function name and encoded arguments), calls the function
and answers with an encoded response. It runs inside the sandboxed process during
`mapcourse grade`, and in the same process for nbgrader notebooks (`LocalHandle`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from mapcourse import codecs
from mapcourse.sandbox.protocol import decode, encode

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
    models = {index: arg for index, arg in enumerate(args) if codecs.model_codec(arg)}
    models |= {key: arg for key, arg in kwargs.items() if codecs.model_codec(arg)}
    try:
        result = function(*args, **kwargs)
        value = _encode_result(result, models)
        grads = codecs.backward(result, models) if request.get("backward") else None
        return {"status": "returned", "value": value, "grads": grads,
                "models": {str(key): _encode_model(model, key) for key, model in models.items()}}
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
    """Build the objects that a request describes (the codecs'); leave plain data as it is."""
    if isinstance(value, list):
        return [_materialise(item) for item in value]
    return codecs.materialise(value)


def _encode_model(model: Any, key: int | str) -> dict:
    codec = codecs.model_codec(model)
    if codec.encode_model is None:
        return codec.encode(model, 0)
    return codec.encode_model(model, key)


def _encode_result(result: Any, models: dict) -> Any:
    for key, model in models.items():
        if result is model:
            return _encode_model(model, key)
    return encode(result)
