"""The hidden tests' one way to reach a student's functions.

A test receives a `StudentHandle` and writes `student.mle(3, 1)`: the arguments are
encoded, the function runs on the student's side (another process under
`mapcourse grade`, the notebook's kernel under nbgrader), and only plain data comes
back. An exception the student's code raised is raised again here as a trusted
exception with the same builtin base (so `pytest.raises(ValueError)` works) and the
student's message; a hang or a dead process raises `StudentTimeout` or
`StudentCrashed`, which no `except ValueError` can swallow.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mapcourse import codecs
from mapcourse.sandbox.calls import run_call
from mapcourse.sandbox.protocol import ProtocolError, decode, dumps, encode, loads


@dataclass(frozen=True)
class Call:
    """What one call returned: its value, and the state of each model argument after it.

    `models` maps an argument (position or keyword) to its parameters after the call (a
    codec's model value: `ModuleValue` of `mapcourse.codecs.torch`);
    `grads` maps it to the parameters' gradients after `backward()` on the result (None
    when the result could not be differentiated, or backward was not asked for).
    """

    value: Any
    models: dict[int | str, Any]
    grads: dict[int | str, dict[str, Any]] | None


class StudentFailure(Exception):
    """The student's side could not give an answer (timeout, crash, missing function)."""


class StudentTimeout(StudentFailure):
    """The call ran past the test's time limit; the student's process was killed."""


class StudentCrashed(StudentFailure):
    """The student's process ended during the call (os._exit, a segfault, out of memory)."""


class FunctionMissing(StudentFailure):
    """The stage file does not define the function the test calls."""


class StudentException(Exception):
    """Base of the exceptions re-raised from student code.

    `type_name` is the student's exception class; `call` describes the call that raised.
    """

    type_name: str = "Exception"
    call: str = ""


_REMOTE_CLASSES: dict[str, type[StudentException]] = {}


def remote_exception(type_name: str, bases: list[str], message: str, call: str) -> Exception:
    """A trusted exception standing for the student's, subclassing its first builtin base."""
    base = next((getattr(builtins, name) for name in bases
                 if isinstance(getattr(builtins, name, None), type)
                 and issubclass(getattr(builtins, name), Exception)), Exception)
    kind = _REMOTE_CLASSES.get(base.__name__)
    if kind is None:
        kind = type(f"Student{base.__name__}", (StudentException, base), {})
        _REMOTE_CLASSES[base.__name__] = kind
    error = kind(message)
    error.type_name = type_name
    error.call = call
    return error


def describe_call(function: str, args: tuple, kwargs: Mapping[str, Any]) -> str:
    """`mle(3, 1)`: a call as a student would write it, with long arguments shortened."""
    parts = [_short_repr(arg) for arg in args]
    parts += [f"{key}={_short_repr(arg)}" for key, arg in kwargs.items()]
    return f"{function}({', '.join(parts)})"


def _short_repr(value: Any) -> str:
    described = codecs.describe(value)  # a codec's request: `nn.Linear(3, 1)`
    if described is not None:
        return described
    text = repr(value)
    if hasattr(value, "shape") and len(text) > 60:
        return f"<array of shape {tuple(value.shape)}>"
    return text if len(text) <= 60 else text[:57] + "..."


class StudentHandle:
    """Calls a stage's functions by name: `student.mle(3, 1)` or `student.call(...)`."""

    def call(self, function: str, *args: Any, backward: bool = False, **kwargs: Any) -> Call:
        """Call `function(*args, **kwargs)`; with backward, back-propagate from its result."""
        request = {"function": function, "args": [encode(arg) for arg in args],
                   "kwargs": {key: encode(arg) for key, arg in kwargs.items()},
                   "backward": backward}
        response = self._send(request)
        return self._interpret(response, lambda: describe_call(function, args, kwargs))

    def has(self, function: str) -> bool:
        """Whether the stage defines `function`."""
        return self._send({"function": function, "probe": True}).get("defined") is True

    def __getattr__(self, function: str) -> Callable[..., Any]:
        if function.startswith("_"):
            raise AttributeError(function)
        return lambda *args, **kwargs: self.call(function, *args, **kwargs).value

    def _send(self, request: dict) -> dict:
        raise NotImplementedError

    @staticmethod
    def _interpret(response: dict, call: Callable[[], str]) -> Call:
        """The call's result; `call()` describes the call for messages (only they need it)."""
        try:
            outcome = _outcome(response, call)
        except (KeyError, TypeError, ValueError, AttributeError, ProtocolError) as error:
            raise StudentCrashed(f"{call()} answered with malformed data ({error})") from None
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def _outcome(response: dict, describe: Callable[[], str]) -> Call | Exception:
    """The Call a response describes, or the exception it stands for."""
    status = response["status"]
    if status == "returned":
        grads = response.get("grads")
        return Call(
            value=decode(response["value"]),
            models={_key(key): decode(model) for key, model in response.get("models", {}).items()},
            grads=None if grads is None else {
                _key(key): {str(name): decode(grad) for name, grad in pairs}
                for key, pairs in grads.items()},
        )
    call = describe()
    if status == "raised":
        return remote_exception(str(response["type"]), list(response["bases"]),
                                str(response["message"]), call)
    if status == "missing":
        return FunctionMissing(f"the stage file does not define {response['function']}()")
    if status == "timeout":
        return StudentTimeout(f"{call} did not finish within the time limit")
    if status == "crashed":
        return StudentCrashed(f"{call} ended the student's process: {response['detail']}")
    return StudentCrashed(f"{call} answered with an unknown status {status!r}")


def _key(key: str) -> int | str:
    return int(key) if key.isdigit() else key


class LocalHandle(StudentHandle):
    """Calls functions of a namespace in this process, through the same encoding.

    Used in nbgrader notebooks (the kernel's globals) and for quick local runs.
    """

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._namespace = namespace

    def _send(self, request: dict) -> dict:
        return loads(dumps(run_call(self._namespace, loads(dumps(request)))))
