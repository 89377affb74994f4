"""The torch codec: models and tensors across the boundary, for courses that teach torch.

A course registers it with `[course] codecs = ["mapcourse.codecs.torch"]`. The trusted side
asks for a model with `Model(sizes, seed)` (built, seeded, on the student's side) and for
a tensor with `Tensor(values)`; a tensor the student's code returns arrives as a
`TensorValue` (its values as a numpy array, with what autograd knew about it), a module as
a `ModuleValue` (its parameters by name). torch itself is imported only where a value
needs it, or by `warm_up`: importing this module costs nothing.

`warm_up` is the one torch warm-up, shared by the grader, the sandbox's zygote and
`check`: one thread (tiny models), a model built, a backward pass and an optimizer step,
so that forked stage processes start with all of it loaded. It first lets torch's
optimizers run without importing `torch._dynamo` (see `_optimizers_without_dynamo`).
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mapcourse import codecs
from mapcourse.sandbox.protocol import decode_array, encode, encode_array


@dataclass(frozen=True)
class TensorValue:
    """A torch.Tensor's values as a numpy array, with what autograd knew about it."""

    values: np.ndarray
    dtype: str
    requires_grad: bool
    grad_fn: str | None

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    def shown(self, show: Any) -> str:
        """How `mapcourse.checks.show` renders it."""
        return f"tensor({show(self.values)}, dtype={self.dtype})"


@dataclass(frozen=True)
class ModuleValue:
    """A torch.nn.Module's parameters by name; `argument` tells which argument it was."""

    type_name: str
    parameters: dict[str, np.ndarray]
    argument: int | str | None = None


@dataclass(frozen=True)
class Model:
    """A torch model the trusted side asks for: built, seeded, on the student's side.

    `sizes` are layer widths: (3, 1) is nn.Linear(3, 1); (3, 8, 1) puts a Tanh between
    two Linear layers. Weights come from torch.manual_seed(seed).
    """

    sizes: tuple[int, ...]
    seed: int = 0


@dataclass(frozen=True)
class Tensor:
    """A float32 torch tensor the trusted side asks for, built from `values`."""

    values: np.ndarray = field(compare=False)


def _torch() -> Any:
    """torch if something already imported it (a value of its type can exist only then)."""
    return sys.modules.get("torch")


def encode_value(value: Any, depth: int) -> dict | None:
    if isinstance(value, Model):
        return {"$": "model", "sizes": list(value.sizes), "seed": value.seed}
    if isinstance(value, Tensor):
        return {"$": "tensor-request", "array": encode_array(np.asarray(value.values))}
    torch = _torch()
    if torch is None:
        return None
    if isinstance(value, torch.Tensor):
        plain = value.detach().cpu()
        if plain.dtype == torch.bfloat16:
            plain = plain.float()
        return {"$": "tensor", "array": encode_array(plain.numpy()),
                "dtype": str(value.dtype).removeprefix("torch."),
                "requires_grad": bool(value.requires_grad),
                "grad_fn": None if value.grad_fn is None else type(value.grad_fn).__name__}
    if isinstance(value, torch.nn.Module):
        return encode_module(value, None)
    return None


def encode_module(module: Any, argument: int | str | None) -> dict:
    """A module's named parameters as arrays; `argument` names the argument it was."""
    return {"$": "module", "type": type(module).__name__, "argument": argument,
            "parameters": [[name, encode_array(p.detach().cpu().numpy())]
                           for name, p in module.named_parameters()]}


def _decode_tensor(data: dict, depth: int) -> TensorValue:
    grad_fn = data["grad_fn"]
    return TensorValue(values=decode_array(data["array"]), dtype=str(data["dtype"]),
                       requires_grad=bool(data["requires_grad"]),
                       grad_fn=None if grad_fn is None else str(grad_fn))


def _decode_module(data: dict, depth: int) -> ModuleValue:
    argument = data["argument"]
    if argument is not None and not isinstance(argument, int | str):
        raise ValueError("argument must be an index or a name")
    return ModuleValue(type_name=str(data["type"]), argument=argument,
                       parameters={str(name): decode_array(array)
                                   for name, array in data["parameters"]})


DECODERS = {
    "tensor": _decode_tensor,
    "module": _decode_module,
    "model": lambda data, depth: Model(tuple(int(n) for n in data["sizes"]), int(data["seed"])),
    "tensor-request": lambda data, depth: Tensor(decode_array(data["array"])),
}


def materialise(value: Any) -> Any:
    """On the student's side: the torch object a request describes; anything else as it is."""
    if isinstance(value, Model):
        return build_model(value)
    if isinstance(value, Tensor):
        import torch

        return torch.tensor(value.values, dtype=torch.float32)
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


def is_module(value: Any) -> bool:
    torch = _torch()
    return torch is not None and isinstance(value, torch.nn.Module)


def backward(result: Any, models: dict) -> dict | None:
    """Back-propagate from a tensor result; the gradient of each model argument.

    None when the result is not a tensor that autograd can differentiate.
    """
    torch = _torch()
    if torch is None or not isinstance(result, torch.Tensor) or not result.requires_grad:
        return None
    for model in models.values():
        model.zero_grad(set_to_none=True)
    result.backward()
    return {
        str(key): [[name, encode(None if p.grad is None else p.grad.detach().clone())]
                   for name, p in model.named_parameters()]
        for key, model in models.items()
    }


def describe(value: Any) -> str | None:
    """`nn.Linear(3, 1)`, `<tensor of shape (4, 3)>`: a request as the student would read it."""
    if isinstance(value, Model):
        layers = [f"Linear({a}, {b})" for a, b in zip(value.sizes, value.sizes[1:], strict=False)]
        inner = ", Tanh, ".join(layers)
        return f"nn.{inner}" if len(layers) == 1 else f"nn.Sequential({inner})"
    if isinstance(value, Tensor):
        return f"<tensor of shape {tuple(value.values.shape)}>"
    return None


def warm_up() -> None:
    """Import torch with one thread and exercise a model, backward and an optimizer step,
    without importing torch._dynamo; nothing when torch is not installed."""
    try:
        import torch
    except ImportError:  # a course whose stages need no torch, installed without it
        return
    torch.set_num_threads(1)
    _optimizers_without_dynamo(torch)
    model = build_model(Model((2, 2, 1)))
    model(torch.zeros(1, 2)).sum().backward()
    torch.optim.Adam(model.parameters()).step()


def _optimizers_without_dynamo(torch: Any) -> None:
    """Let torch's optimizers run without importing torch._dynamo, which they never use here.

    Every optimizer's `step` imports torch._dynamo to mark graph breaks for torch.compile,
    and their other methods import it to exclude themselves from compilation: seconds
    of imports (sympy among them) for calls that do nothing outside a compiled function.
    This replaces each of those wrappers, for torch.optim's own classes, with one that
    calls the method directly as long as torch._dynamo was never imported (so nothing
    can be compiling), and the original wrapper once it was (a student's torch.compile
    then gets torch's own behaviour). Wrappers that are not as expected are left alone:
    the optimizers then import torch._dynamo as usual, slower and otherwise the same.
    """
    optimizer = sys.modules.get("torch.optim.optimizer")
    compile_module = sys.modules.get("torch._compile")
    if optimizer is None or compile_module is None or "torch._dynamo" in sys.modules:
        return
    try:
        disabled_code = compile_module._disable_dynamo(_noop).__code__
        grad_code = optimizer._use_grad_for_differentiable(_noop).__code__
    except (AttributeError, TypeError):
        return
    seen: set[int] = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith("torch.optim") or module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, type) and issubclass(value, optimizer.Optimizer):
                _plain_step(value, grad_code)
            _undisable(value, disabled_code, seen, depth=0)


def _noop() -> None:
    """A function for torch's decorators to wrap, to learn what their wrappers look like."""


def _cells(function: Any) -> dict[str, Any]:
    return dict(zip(function.__code__.co_freevars,
                    (cell.cell_contents for cell in function.__closure__ or ()), strict=False))


def _plain_step(kind: type, grad_code: Any) -> None:
    """kind.step without the dynamo import of `_use_grad_for_differentiable`."""
    step = vars(kind).get("step")
    if getattr(step, "__code__", None) is not grad_code or getattr(step, "hooked", False):
        return
    try:
        method = _cells(step).get("func")
    except ValueError:  # an empty cell: not the wrapper this expects
        return
    if method is None:
        return

    @functools.wraps(method)
    def plain_step(*args: Any, **kwargs: Any) -> Any:
        if "torch._dynamo" in sys.modules:
            return step(*args, **kwargs)
        torch = sys.modules["torch"]
        previous = torch.is_grad_enabled()
        try:
            torch.set_grad_enabled(args[0].defaults["differentiable"])
            return method(*args, **kwargs)
        finally:
            torch.set_grad_enabled(previous)

    kind.step = plain_step


def _undisable(value: Any, disabled_code: Any, seen: set[int], depth: int) -> None:
    """Give each `torch._disable_dynamo` wrapper reachable from value (a class's methods,
    a wrapper's closure) a direct call until torch._dynamo is imported."""
    if id(value) in seen or depth > 4:
        return
    seen.add(id(value))
    if isinstance(value, type):
        for member in list(vars(value).values()):
            _undisable(getattr(member, "__func__", member), disabled_code, seen, depth + 1)
        return
    if not callable(value) or not hasattr(value, "__code__"):
        return
    try:
        cells = _cells(value)
    except ValueError:  # an empty cell
        return
    if value.__code__ is disabled_code:
        function, recursive = cells.get("fn"), cells.get("recursive", True)
        if function is not None and getattr(function, "__dynamo_disable", None) is None:
            function.__dynamo_disable = _until_dynamo(function, recursive)
        return
    for inner in (*cells.values(), getattr(value, "__wrapped__", None)):
        if inner is not None:
            _undisable(inner, disabled_code, seen, depth + 1)


def _until_dynamo(function: Any, recursive: bool) -> Any:
    """Call function directly; once torch._dynamo is imported, through its disable()."""

    def call(*args: Any, **kwargs: Any) -> Any:
        dynamo = sys.modules.get("torch._dynamo")
        if dynamo is None:
            return function(*args, **kwargs)
        disabled = dynamo.disable(function, recursive, wrapping=False)
        function.__dynamo_disable = disabled
        return disabled(*args, **kwargs)

    return call


CODEC = codecs.register(codecs.Codec(
    name=__name__, encode=encode_value, decoders=DECODERS, materialise=materialise,
    is_model=is_module, encode_model=encode_module, backward=backward, describe=describe,
    warm_up=warm_up))
