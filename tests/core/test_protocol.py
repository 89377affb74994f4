"""Only plain data crosses the boundary, exactly, and nothing the student made is trusted."""

import math

import numpy as np
import pytest
import torch

from mapcourse.codecs.torch import ModuleValue, TensorValue
from mapcourse.sandbox.handle import LocalHandle, StudentCrashed, StudentException
from mapcourse.sandbox.protocol import (
    Opaque,
    ProtocolError,
    Record,
    decode,
    dumps,
    encode,
    loads,
)


def round_trip(value):
    return decode(loads(dumps({"v": encode(value)}))["v"])


@pytest.mark.parametrize("value", [
    0.1, -0.0, math.inf, -math.inf, 1e-320, 3, 2**100, True, None, "theta", [1, 2.5],
    (1, "a"), {"a": [1, (2, 3)]},
], ids=repr)
def test_plain_values_come_back_exactly(value):
    assert round_trip(value) == value and type(round_trip(value)) is type(value)


def test_nan_comes_back_as_nan():
    assert math.isnan(round_trip(math.nan))


def test_numpy_scalars_and_arrays_keep_dtype_shape_and_bits():
    array = np.array([[0.1, -np.inf], [np.nan, 1e300]])
    back = round_trip(array)
    assert back.dtype == np.float64 and back.shape == (2, 2)
    assert np.array_equal(back, array, equal_nan=True)
    assert type(round_trip(np.float64(0.5))) is np.float64
    assert round_trip(np.zeros(())).shape == ()


def test_object_arrays_and_unknown_objects_arrive_as_opaque():
    assert round_trip(np.array([object()])) == Opaque("numpy.ndarray of dtype object")
    assert isinstance(round_trip(object()), Opaque)


def test_a_float_subclass_with_lying_methods_arrives_as_its_true_value():
    class Liar(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

        def __float__(self):
            return 0.75

    back = round_trip(Liar(2.0))
    assert type(back) is float and back == 2.0


def test_an_ndarray_subclass_with_a_lying_array_hook_arrives_as_its_data():
    class Liar(np.ndarray):
        def __array__(self, dtype=None, copy=None):
            return np.array([0.75])

    back = round_trip(np.array([1.0, 2.0]).view(Liar))
    assert type(back) is np.ndarray and back.tolist() == [1.0, 2.0]


def test_named_tuples_arrive_as_records_with_their_fields():
    from collections import namedtuple

    Pair = namedtuple("Pair", "left right")
    back = round_trip(Pair(1.0, np.array([2.0])))
    assert isinstance(back, Record) and back.type_name == "Pair"
    assert back.left == 1.0 and back.right.tolist() == [2.0]


def test_tensors_and_modules_arrive_as_values():
    tensor = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    back = round_trip(tensor)
    assert isinstance(back, TensorValue) and back.requires_grad and back.grad_fn
    assert back.values.tolist() == [2.0, 4.0] and back.dtype == "float32"
    module = round_trip(torch.nn.Linear(2, 1))
    assert isinstance(module, ModuleValue) and set(module.parameters) == {"weight", "bias"}


@pytest.mark.parametrize("raw", [
    b"[1, 2]", b"not json", b'{"v": {"$": "nope"}}',
    b'{"v": {"$": "ndarray", "dtype": "object", "shape": [1], "data": ""}}',
    b'{"v": {"$": "ndarray", "dtype": "float64", "shape": [4], "data": "AAAA"}}',
    b'{"v": {"$": "int", "value": "' + b"9" * 5000 + b'"}}',
], ids=["not an object", "not json", "unknown tag", "object dtype", "short data", "huge int"])
def test_malformed_messages_are_refused(raw):
    with pytest.raises(ProtocolError):
        decode(loads(raw)["v"])


def test_student_exceptions_come_back_with_their_builtin_base_and_message():
    class Custom(ValueError):
        pass

    def bad(theta):
        raise Custom("theta must lie in [0, 1]")

    with pytest.raises(ValueError, match="theta") as raised:
        LocalHandle({"f": bad}).f(2.0)
    assert isinstance(raised.value, StudentException)
    assert raised.value.type_name == "Custom" and raised.value.call == "f(2.0)"


def test_a_malformed_response_is_a_crash_not_a_pass():
    class Broken(LocalHandle):
        def _send(self, request):
            return {"status": "returned", "value": {"$": "float", "hex": "zzz"}}

    with pytest.raises(StudentCrashed):
        Broken({}).anything()
