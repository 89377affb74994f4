"""Hidden suite, stage 5: what PyTorch's weight_decay really is (10 points)."""

import functools

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mapcourse.checks import (
    expect,
    expect_array,
    expect_close,
    expect_float,
    expect_raises,
    fail,
    show,
)
from mapcourse.codecs.torch import Model, ModuleValue, Tensor, TensorValue, build_model
from mapcourse.reference import reference

solution = reference("stage5_weight_decay")

LINEAR, HIDDEN, WIDE = (3, 1), (4, 8, 1), (2, 3, 2)
sizes_strategy = st.sampled_from([LINEAR, HIDDEN, WIDE])
seeds = st.integers(min_value=0, max_value=10**6)

HALF = ("weight_decay=lam adds lam*p to every gradient, the gradient of (lam/2)*||p||^2: the "
        "penalty is (lam/2) * the sum of p.pow(2).sum() over model.parameters(), biases "
        "included (lam*||w||^2 would decay twice too strong).")
TENSOR = ("Keep the result a torch tensor built from the parameters with torch operations "
          "(no .item(), float() or .detach()), so that autograd can differentiate it.")
STEPS = ("train builds torch.optim.SGD, Adam or AdamW(model.parameters(), lr=lr, "
         "weight_decay=weight_decay) once, before the loop (Adam keeps its moment estimates "
         "across steps), then takes `steps` full-batch steps: zero_grad(), loss.backward(), "
         "step().")
PENALTY = ("The loss train minimises is nn.MSELoss()(model(X), y) + l2_penalty_torch(model, l2), "
           "recomputed at every step.")


def shown(sizes: tuple[int, ...]) -> str:
    """The model Model(sizes) builds, as the student would write it."""
    layers = [f"nn.Linear({a}, {b})" for a, b in zip(sizes, sizes[1:], strict=False)]
    return layers[0] if len(layers) == 1 else f"nn.Sequential({', nn.Tanh(), '.join(layers)})"


def described(function: str, sizes: tuple[int, ...], *args: str, **kwargs: object) -> str:
    parts = [shown(sizes), *args, *(f"{key}={value!r}" for key, value in kwargs.items())]
    return f"{function}({', '.join(parts)})"


@functools.cache
def parameters(sizes: tuple[int, ...], seed: int) -> dict[str, np.ndarray]:
    """The parameters of Model(sizes, seed), built here exactly as on the student's side."""
    model = build_model(Model(sizes, seed))
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}


def data(sizes: tuple[int, ...], n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Fixed regression data: X (n, d) and y (n, 1), float32."""
    rng = np.random.default_rng(500 + sizes[0])
    X = rng.normal(size=(n, sizes[0])).astype(np.float32)
    y = (np.tanh(X.sum(axis=1, keepdims=True)) + 0.3 * rng.normal(size=(n, 1))).astype(np.float32)
    return X, y


def reference_train(sizes: tuple[int, ...], seed: int, **kwargs: object) -> dict[str, np.ndarray]:
    X, y = data(sizes)
    model = solution.train(build_model(Model(sizes, seed)), torch.tensor(X), torch.tensor(y),
                           **kwargs)
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}


def reference_gap(sizes: tuple[int, ...], seed: int, **kwargs: object) -> float:
    X, y = data(sizes)
    return solution.weight_decay_gap(build_model(Model(sizes, seed)), torch.tensor(X),
                                     torch.tensor(y), **kwargs)


def tensor_number(got: object, *, call: str, concept: str) -> float:
    """The number held by a one-element tensor result."""
    if not isinstance(got, TensorValue):
        fail(f"{call} returned {show(got)}; expected a torch tensor. {TENSOR} {concept}")
    expect(got.values.size == 1 and got.values.dtype.kind == "f",
           f"{call} returned {show(got)}; expected one floating-point number. {concept}")
    return float(got.values.reshape(-1)[0])


def expect_scalar_tensor(got: object, *, call: str, concept: str) -> None:
    """got is a 0-dimensional tensor that autograd tracks."""
    tensor_number(got, call=call, concept=concept)
    expect(got.shape == (), f"{call} returned a tensor of shape {tuple(got.shape)}; expected a "
                            f"scalar tensor (shape ()), like the sum of a tensor. {concept}")
    expect(got.requires_grad, f"{call} returned a tensor that does not require grad, so "
                              f"loss.backward() cannot reach the parameters. {TENSOR}")


def expect_gradients(grads: dict | None, expected: dict[str, np.ndarray], *, call: str,
                     concept: str) -> None:
    """After call.backward(), each parameter's .grad is close to expected[name]."""
    if grads is None:
        fail(f"{call}.backward() did not run: the result is not a tensor that autograd can "
             f"differentiate. {TENSOR}")
    for name, want in expected.items():
        grad = grads.get(name)
        if not isinstance(grad, TensorValue):
            fail(f"After {call}.backward(), model.{name}.grad is None: the result does not "
                 f"depend on {name}. {concept}")
        expect_array(grad.values, want, rtol=1e-5, atol=1e-7, dtype=None,
                     call=f"model.{name}.grad after {call}.backward()", concept=concept)


def expect_parameters(got: dict[str, np.ndarray], expected: dict[str, np.ndarray], *,
                      call: str, concept: str, exact: bool = False) -> None:
    """The same parameter names, each close to (or, with exact, equal to) the expected."""
    expect(sorted(got) == sorted(expected),
           f"{call} gave a model with parameters {sorted(got)}; expected {sorted(expected)}.")
    for name, want in expected.items():
        expect_array(got[name], want, rtol=1e-4, atol=2e-5, dtype=None, exact=exact,
                     call=f"{call} (its parameter {name!r})", concept=concept)


def returned_model(value: object, *, call: str) -> dict[str, np.ndarray]:
    """The parameters of the model a call returned."""
    if not isinstance(value, ModuleValue):
        fail(f"{call} returned {show(value)}; expected the trained model: train ends with "
             "`return model`.")
    return value.parameters


@pytest.mark.points(1)
@settings(max_examples=10)
@given(sizes=sizes_strategy, seed=seeds,
       lam=st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False))
def test_l2_penalty_is_half_lambda_times_the_squared_norm(student, sizes, seed, lam):
    call = described("l2_penalty_torch", sizes, repr(lam))
    got = tensor_number(student.l2_penalty_torch(Model(sizes, seed), lam), call=call,
                        concept=HALF)
    squared_norm = sum(float(np.sum(p.astype(np.float64) ** 2))
                       for p in parameters(sizes, seed).values())
    expect_close(got, lam / 2 * squared_norm, rel=1e-5, abs_tol=1e-12, call=call, concept=HALF)


@pytest.mark.points(1)
@pytest.mark.parametrize(("sizes", "lam"), [(LINEAR, 0.5), (HIDDEN, 0.1), (WIDE, 3.0)],
                         ids=["linear model", "hidden layer", "two outputs, strong prior"])
def test_l2_penalty_is_a_differentiable_scalar_whose_gradient_is_lambda_p(student, sizes, lam):
    call = described("l2_penalty_torch", sizes, repr(lam))
    result = student.call("l2_penalty_torch", Model(sizes, 1), lam, backward=True)
    expect_scalar_tensor(result.value, call=call, concept=HALF)
    expected = {name: lam * p for name, p in parameters(sizes, 1).items()}
    expect_gradients(None if result.grads is None else result.grads.get(0), expected, call=call,
                     concept=f"The gradient of the penalty is lam * p for every parameter, "
                             f"exactly what weight_decay=lam adds. {HALF}")


@pytest.mark.points(1)
@settings(max_examples=10)
@given(sizes=sizes_strategy, seed=seeds,
       loss=st.floats(min_value=0, max_value=10, width=32),
       lam=st.none() | st.floats(min_value=0, max_value=10, allow_nan=False))
@example(sizes=HIDDEN, seed=0, loss=0.5, lam=None)
def test_map_loss_l1_adds_lambda_times_the_sum_of_absolute_values(student, sizes, seed, loss,
                                                                  lam):
    loss_tensor = Tensor(np.array(loss, dtype=np.float32))
    lam_text = "" if lam is None else f", {lam!r}"
    call = f"map_loss_l1(torch.tensor({loss!r}), {shown(sizes)}{lam_text})"
    if lam is None:
        result = student.call("map_loss_l1", loss_tensor, Model(sizes, seed), backward=True)
        lam = 1e-4
    else:
        result = student.call("map_loss_l1", loss_tensor, Model(sizes, seed), lam, backward=True)
    concept = ("The MAP loss with a Laplace prior is loss + lam * the sum of p.abs().sum() over "
               "model.parameters(), with lam=1e-4 by default.")
    got = tensor_number(result.value, call=call, concept=concept)
    initial = parameters(sizes, seed)
    l1_norm = sum(float(np.sum(np.abs(p.astype(np.float64)))) for p in initial.values())
    expect_close(got, loss + lam * l1_norm, rel=1e-5, abs_tol=1e-6, call=call, concept=concept)
    if lam > 0:
        expect_scalar_tensor(result.value, call=call, concept=concept)
        expected = {name: lam * np.sign(p) for name, p in initial.items()}
        expect_gradients(None if result.grads is None else result.grads.get(1), expected,
                         call=call, concept=f"The penalty's gradient is lam * sign(p). {concept}")


@pytest.mark.points(1)
@pytest.mark.parametrize(("optimizer", "sizes", "weight_decay"), [
    ("sgd", LINEAR, 0.0), ("sgd", HIDDEN, 0.1), ("adam", HIDDEN, 0.0), ("adam", LINEAR, 0.1),
    ("adamw", HIDDEN, 0.1), ("adamw", LINEAR, 0.0),
], ids=["plain SGD", "SGD with weight decay", "plain Adam", "Adam with weight decay",
        "AdamW with weight decay", "AdamW with weight_decay=0 does not decay"])
def test_train_takes_steps_of_the_chosen_torch_optimizer(student, optimizer, sizes,
                                                         weight_decay):
    X, y = data(sizes)
    options = {"optimizer": optimizer, "lr": 0.05, "steps": 10, "weight_decay": weight_decay}
    call = described("train", sizes, "X", "y", **options)
    result = student.call("train", Model(sizes, 2), Tensor(X), Tensor(y), **options)
    expect_parameters(returned_model(result.value, call=call), reference_train(sizes, 2, **options),
                      call=call, concept=STEPS)


@pytest.mark.points(1)
@pytest.mark.parametrize(("optimizer", "sizes", "weight_decay", "l2"), [
    ("sgd", LINEAR, 0.0, 0.5), ("sgd", HIDDEN, 0.0, 0.3), ("adam", HIDDEN, 0.0, 0.3),
    ("adamw", LINEAR, 0.0, 0.5), ("adam", LINEAR, 0.2, 0.5),
], ids=["SGD on a linear model", "SGD with a hidden layer", "Adam", "AdamW",
        "Adam with both weight decay and l2"])
def test_train_adds_the_l2_penalty_to_the_loss(student, optimizer, sizes, weight_decay, l2):
    X, y = data(sizes)
    options = {"optimizer": optimizer, "lr": 0.05, "steps": 10, "weight_decay": weight_decay,
                 "l2": l2}
    call = described("train", sizes, "X", "y", **options)
    result = student.call("train", Model(sizes, 4), Tensor(X), Tensor(y), **options)
    expect_parameters(returned_model(result.value, call=call), reference_train(sizes, 4, **options),
                      call=call, concept=f"{PENALTY} {HALF}")


@pytest.mark.points(1)
@pytest.mark.parametrize(("sizes", "options"), [
    (LINEAR, {}), (HIDDEN, {"steps": 0}), (HIDDEN, {"optimizer": "adam", "steps": 0}),
], ids=["with the default settings", "steps=0 leaves the model as it is", "steps=0 with Adam"])
def test_train_trains_the_model_in_place_and_returns_it(student, sizes, options):
    X, y = data(sizes)
    call = described("train", sizes, "X", "y", **options)
    result = student.call("train", Model(sizes, 6), Tensor(X), Tensor(y), **options)
    returned_model(result.value, call=call)
    expect(result.value.argument == 0,
           f"{call} returned another model than the one it was given (a copy?): train changes "
           "the parameters of `model` itself, in place, and ends with `return model`.")
    concept = ("train runs optimizer=\"sgd\", lr=0.01, steps=100 unless told otherwise, and "
               "steps=0 takes no step at all.")
    expect_parameters(result.models[0].parameters, reference_train(sizes, 6, **options),
                      exact=options.get("steps") == 0, call=f"model after {call}",
                      concept=concept)


@pytest.mark.points(1)
@pytest.mark.parametrize(("options", "names"), [
    ({"optimizer": "rmsprop"}, "optimizer"), ({"optimizer": "lbfgs"}, "optimizer"),
    ({"lr": 0.0}, ("lr", "learning rate")), ({"lr": -0.1}, ("lr", "learning rate")),
    ({"steps": -1}, "steps"), ({"weight_decay": -0.1}, ("weight_decay", "weight decay")),
    ({"optimizer": "adamw", "weight_decay": -1.0}, ("weight_decay", "weight decay")),
    ({"l2": -0.1}, "l2"),
], ids=["unknown optimizer rmsprop", "unknown optimizer lbfgs", "lr of zero", "negative lr",
        "negative steps", "negative weight_decay", "negative weight_decay for AdamW",
        "negative l2"])
def test_train_refuses_invalid_settings(student, options, names):
    X, y = data(LINEAR)
    options = {"steps": 3, **options}
    call = described("train", LINEAR, "X", "y", **options)
    expect_raises(ValueError,
                  lambda: student.train(Model(LINEAR, 0), Tensor(X), Tensor(y), **options),
                  call=call, names=names,
                  concept="optimizer is one of \"sgd\", \"adam\", \"adamw\"; lr must be > 0; "
                          "steps, weight_decay and l2 must be >= 0. Check them before training.")


@pytest.mark.points(1)
@pytest.mark.parametrize(("optimizer", "sizes", "lam", "lr"), [
    ("sgd", HIDDEN, 0.5, 0.05), ("adam", LINEAR, 0.1, 0.01), ("adam", HIDDEN, 0.5, 0.01),
    ("adamw", LINEAR, 0.1, 0.01), ("adamw", HIDDEN, 0.1, 0.05), ("adamw", LINEAR, 0.1, None),
], ids=["SGD: about 0", "Adam: about 0", "Adam with a hidden layer: about 0",
        "AdamW: clearly positive", "AdamW with a hidden layer: clearly positive",
        "AdamW with the default lr"])
def test_weight_decay_gap_is_zero_for_coupled_l2_and_positive_for_adamw(student, optimizer,
                                                                        sizes, lam, lr):
    X, y = data(sizes)
    options = {"optimizer": optimizer, "lam": lam, "steps": 10}  # lr None: the default, 0.01
    options |= {"lr": lr} if lr is not None else {}
    call = described("weight_decay_gap", sizes, "X", "y", **options)
    got = expect_float(student.weight_decay_gap(Model(sizes, 3), Tensor(X), Tensor(y),
                                                **options), call=call)
    if optimizer != "adamw":
        expect(0 <= got <= 1e-6,
               f"{call} returned {show(got)}; expected about 0 (at most 1e-6). With SGD and Adam, "
               "weight_decay=lam adds lam*p to the gradient, the gradient of "
               "l2_penalty_torch(model, lam): train deep copies of the model, one with "
               "weight_decay=lam and one with l2=lam, and return the largest |difference| "
               "between their parameters.")
        return
    expected = reference_gap(sizes, 3, **options)
    expect_close(got, expected, rel=1e-2, abs_tol=1e-5, call=call,
                 concept="AdamW shrinks the weights by lr*lam*p outside the adaptive gradient "
                         "(decoupled decay), which is not an L2 term in the loss: the run with "
                         "weight_decay=lam and the run with l2=lam end apart. The gap is the "
                         "largest |difference| between their parameters.")


@pytest.mark.points(1)
@pytest.mark.parametrize("optimizer", ["sgd", "adamw"], ids=["with SGD", "with AdamW"])
def test_weight_decay_gap_leaves_the_model_unchanged(student, optimizer):
    X, y = data(HIDDEN)
    options = {"optimizer": optimizer, "lam": 0.1, "steps": 5}
    call = described("weight_decay_gap", HIDDEN, "X", "y", **options)
    result = student.call("weight_decay_gap", Model(HIDDEN, 5), Tensor(X), Tensor(y), **options)
    expect_float(result.value, call=call)
    expect_parameters(result.models[0].parameters, parameters(HIDDEN, 5), exact=True,
                      call=f"model after {call}",
                      concept="weight_decay_gap trains two copy.deepcopy(model)s and leaves the "
                              "model it was given untouched.")


positive = st.floats(min_value=1e-3, max_value=1e3)


@pytest.mark.points(1)
@settings(max_examples=25)
@given(prior_precision=positive, noise_var=positive, n=st.integers(1, 10**6))
@example(prior_precision=-1.0, noise_var=1.0, n=10)
@example(prior_precision=2.0, noise_var=-0.5, n=10)
@example(prior_precision=2.0, noise_var=0.5, n=0)
@example(prior_precision=2.0, noise_var=0.5, n=-3)
def test_weight_decay_for_prior_is_two_noise_var_times_precision_over_n(student,
                                                                        prior_precision,
                                                                        noise_var, n):
    call = f"weight_decay_for_prior({prior_precision!r}, {noise_var!r}, {n!r})"
    invalid = [name for name, bad in [("prior_precision", prior_precision < 0),
                                      ("noise_var", noise_var < 0), ("n", n < 1)] if bad]
    if invalid:
        expect_raises(ValueError,
                      lambda: student.weight_decay_for_prior(prior_precision, noise_var, n),
                      call=call, names=invalid,
                      concept="A precision and a noise variance are positive, and n counts "
                              "examples, at least 1.")
        return
    got = expect_float(student.weight_decay_for_prior(prior_precision, noise_var, n), call=call)
    expect_close(got, 2 * noise_var * prior_precision / n, rel=1e-9, call=call,
                 concept="The MAP objective sum (y - f)^2 / (2*noise_var) + "
                         "(prior_precision/2)*||w||^2, times 2*noise_var/n, is MSELoss() + "
                         "(wd/2)*||w||^2 with wd = 2*noise_var*prior_precision/n.")
