"""Value types beyond plain data come from the codecs a course registers, and only from them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from mapcourse import codecs
from mapcourse.codecs.torch import Model, ModuleValue, TensorValue
from mapcourse.manifest import load_course
from mapcourse.sandbox.bwrap import zygote_command
from mapcourse.sandbox.handle import LocalHandle
from mapcourse.sandbox.protocol import Opaque, decode, dumps, encode, loads

TORCH_CODEC = "mapcourse.codecs.torch"


def python(code: str, timeout: float = 120) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_the_course_names_its_modules_and_codecs():
    course = load_course()
    assert TORCH_CODEC in course.codecs and {"numpy", "torch"} <= set(course.modules)
    command, _ = zygote_command(Path("/tmp"), 5, isolate=True,
                                codecs=course.codecs, modules=course.modules)
    assert command[command.index("--codec") + 1] == TORCH_CODEC
    assert "torch" in command[command.index("--module"):]


def test_a_course_without_torch_never_imports_it():
    found = python("""
        import json, sys
        from mapcourse import codecs
        from mapcourse.sandbox import calls, handle, protocol, session, zygote
        zygote.warm_up()  # what a zygote of a course without codecs does before it forks
        back = handle.LocalHandle({"f": lambda x: (x, [2.5], {"k": None})}).f(3)
        print(json.dumps({"torch": "torch" in sys.modules, "codecs": codecs.names(),
                          "back": repr(back)}))
    """)
    assert found == {"torch": False, "codecs": [], "back": "(3, [2.5], {'k': None})"}


def test_torch_values_cross_only_with_the_torch_codec_registered():
    tensor = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    assert isinstance(decode(loads(dumps({"v": encode(tensor)}))["v"]), TensorValue)
    codec = codecs._REGISTERED.pop(TORCH_CODEC)
    try:
        assert decode(encode(tensor)) == Opaque("torch.Tensor")
        assert decode(encode(torch.nn.Linear(2, 1))) == Opaque("torch.nn.modules.linear.Linear")
    finally:
        codecs.register(codec)


def test_a_model_argument_is_built_on_the_student_side_and_comes_back():
    def shrink(model, factor):
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.mul_(factor)
        return model

    call = LocalHandle({"shrink": shrink}).call("shrink", Model((3, 1), seed=1), 0.0)
    assert isinstance(call.value, ModuleValue) and call.value.argument == 0
    assert all(not values.any() for values in call.models[0].parameters.values())


@pytest.mark.slow
def test_optimizers_without_dynamo_step_exactly_as_with_it():
    found = python("""
        import json, sys
        from mapcourse.codecs.torch import Model, build_model, warm_up
        warm_up()
        import torch

        def train():
            weights = []
            for kind in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW):
                model = build_model(Model((3, 8, 1), seed=4))
                optimizer = kind(model.parameters(), lr=0.05, weight_decay=0.1)
                for _ in range(5):
                    optimizer.zero_grad()
                    model(torch.ones(4, 3)).pow(2).mean().backward()
                    optimizer.step()
                optimizer.load_state_dict(optimizer.state_dict())
                weights += [p.detach().double().flatten().tolist() for p in model.parameters()]
            return weights

        without = train()
        dynamo_loaded = "torch._dynamo" in sys.modules
        import torch._dynamo  # from here on, torch's own wrappers run
        print(json.dumps({"dynamo": dynamo_loaded, "same": train() == without}))
    """, timeout=600)
    assert found == {"dynamo": False, "same": True}
