"""Plain data across the trust boundary.

Arguments go to a student's function and results come back through `encode` and
`decode`: JSON with tagged values, so the trusted side only ever holds numbers,
strings, lists, numpy arrays it built itself, the small value types below and those of
the codecs the course registers (`mapcourse.codecs`: torch's models and tensors, for
this course). Nothing the submission produced is unpickled or called; an object of any
other type arrives as `Opaque`, carrying only its type's name.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mapcourse import codecs

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32

ARRAY_DTYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64"}
)


class ProtocolError(Exception):
    """A message that is not well-formed plain data."""


@dataclass(frozen=True)
class Opaque:
    """A value of a type that does not cross the boundary; only its type's name does."""

    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


@dataclass(frozen=True)
class Record:
    """A named tuple's fields, in order (a PosteriorTable arrives as one)."""

    type_name: str
    fields: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(f"{self.type_name} has no field {name!r}") from None

    def __len__(self) -> int:
        return len(self.fields)


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON-ready form of `value`, exact for floats, tagged for everything else."""
    if depth > MAX_DEPTH:
        return {"$": "opaque", "type": "deeply nested value"}
    if value is None or isinstance(value, str) or type(value) is bool:
        return value
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, np.generic):
        return _encode_numpy_scalar(value)
    if isinstance(value, int):
        return {"$": "int", "value": str(int.__index__(value))} if type(value) is not int \
            else {"$": "int", "value": str(value)}
    if isinstance(value, float):
        return {"$": "float", "hex": float.hex(value)}
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        names = [str(name) for name in type(value)._fields]
        return {"$": "record", "type": type(value).__name__,
                "fields": [[name, encode(item, depth + 1)]
                           for name, item in zip(names, tuple.__iter__(value), strict=False)]}
    if type(value) in (list, tuple):
        items = [encode(item, depth + 1) for item in value]
        return items if type(value) is list else {"$": "tuple", "items": items}
    if type(value) is dict:
        return {"$": "dict", "items": [[encode(key, depth + 1), encode(item, depth + 1)]
                                       for key, item in value.items()]}
    return codecs.encode(value, depth) or {"$": "opaque", "type": _type_name(value)}


def decode(data: Any, depth: int = 0) -> Any:
    """The trusted value for an `encode`d form; raises ProtocolError if it is malformed."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if data is None or isinstance(data, bool | str):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict) or not isinstance(data.get("$"), str):
        raise ProtocolError(f"unexpected value of type {type(data).__name__}")
    tag = data["$"]
    try:
        return (_DECODERS.get(tag) or codecs.decoder(tag) or _unknown)(data, depth + 1)
    except KeyError:
        raise ProtocolError(f"unknown tag {tag!r}") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise ProtocolError(f"malformed {tag!r}: {error}") from None


def dumps(message: dict) -> bytes:
    """One message as UTF-8 JSON bytes (never NaN literals: floats travel as hex)."""
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode()


def loads(raw: bytes) -> dict:
    """The message in `raw`; ProtocolError if it is not a JSON object."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(raw)} bytes is over the limit")
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    return message


def _type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def encode_array(array: np.ndarray) -> dict:
    """A numpy array's tagged form (an allowed dtype), else an opaque value's."""
    dtype = array.dtype.name
    if dtype not in ARRAY_DTYPES:
        return {"$": "opaque", "type": f"numpy.ndarray of dtype {dtype}"}
    plain = np.array(np.ndarray.view(array, np.ndarray), order="C", copy=True)
    return {"$": "ndarray", "dtype": dtype, "shape": list(plain.shape),
            "data": base64.b64encode(plain.tobytes()).decode("ascii")}


def _encode_numpy_scalar(scalar: np.generic) -> dict:
    dtype = scalar.dtype.name
    if dtype not in ARRAY_DTYPES:
        return {"$": "opaque", "type": f"numpy.{dtype}"}
    array = np.array(scalar, dtype=scalar.dtype).reshape(1)
    return {"$": "numpy-scalar", "array": encode_array(array)}


def decode_array(data: dict, depth: int = 0) -> np.ndarray:
    """The array of an `encode_array` form; ValueError when it is malformed."""
    dtype = data["dtype"]
    if dtype not in ARRAY_DTYPES:
        raise ValueError(f"dtype {dtype!r} is not allowed")
    shape = tuple(int(n) for n in data["shape"])
    raw = base64.b64decode(data["data"], validate=True)
    if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise ValueError("data length does not match shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _decode_int(data: dict, depth: int) -> int:
    text = data["value"]
    if not isinstance(text, str) or len(text) > 4000:
        raise ValueError("integer too long")
    return int(text)


def _decode_float(data: dict, depth: int) -> float:
    return float.fromhex(data["hex"])


def _decode_numpy_scalar(data: dict, depth: int) -> np.generic:
    return decode_array(data["array"])[0]


def _unknown(data: dict, depth: int) -> Any:
    raise KeyError(data["$"])


def _decode_record(data: dict, depth: int) -> Record:
    return Record(type_name=str(data["type"]),
                  fields={str(name): decode(item, depth) for name, item in data["fields"]})


def _decode_dict(data: dict, depth: int) -> dict:
    result = {}
    for key, item in data["items"]:
        key = decode(key, depth)
        if isinstance(key, list | dict | np.ndarray):
            raise ValueError("unhashable key")
        result[key] = decode(item, depth)
    return result


_DECODERS = {
    "int": _decode_int,
    "float": _decode_float,
    "numpy-scalar": _decode_numpy_scalar,
    "ndarray": decode_array,
    "record": _decode_record,
    "tuple": lambda data, depth: tuple(decode(item, depth) for item in data["items"]),
    "dict": _decode_dict,
    "opaque": lambda data, depth: Opaque(str(data["type"])),
}
