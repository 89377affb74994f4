"""Visible tests, stage 5: what PyTorch's weight_decay really is (run `pytest` here)."""

import copy

import numpy as np
import pytest
import torch
from stage5_weight_decay import (
    l2_penalty_torch,
    map_loss_l1,
    train,
    weight_decay_for_prior,
    weight_decay_gap,
)
from torch import nn

from mapcourse.checks import expect, expect_array, expect_close, expect_float

X = torch.tensor([[1.0, 0.5], [-1.0, 2.0], [0.0, -1.0], [2.0, 1.0]])
Y = torch.tensor([[1.0], [0.0], [2.0], [-1.0]])
STEP = ("train builds torch.optim.SGD, Adam or AdamW(model.parameters(), lr=lr, "
        "weight_decay=weight_decay) once, then takes `steps` full-batch steps on "
        "nn.MSELoss()(model(X), y) + l2_penalty_torch(model, l2): zero_grad(), backward(), step().")
HALF = ("weight_decay=lam adds lam*p to every gradient, the gradient of (lam/2)*||p||^2 summed "
        "over model.parameters(), biases included.")


def line_model() -> nn.Linear:
    """nn.Linear(2, 1) with weight [[1, -2]] and bias [3]."""
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -2.0]]))
        model.bias.copy_(torch.tensor([3.0]))
    return model


def hidden_model() -> nn.Sequential:
    """nn.Linear(2, 3), tanh, nn.Linear(3, 1), seeded."""
    torch.manual_seed(7)
    return nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))


def parameters(model: nn.Module) -> list[np.ndarray]:
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_the_l2_penalty_of_a_small_line_is_half_lambda_times_fourteen():
    penalty = l2_penalty_torch(line_model(), 0.5)
    expect(isinstance(penalty, torch.Tensor) and penalty.shape == () and penalty.requires_grad,
           f"l2_penalty_torch(model, 0.5) returned {penalty!r}; expected a scalar tensor that "
           "autograd tracks (torch operations on the parameters, no .item() or float()).")
    expect_close(penalty.item(), 3.5, rel=1e-6, call="l2_penalty_torch(model, 0.5)",
                 concept=f"(0.5/2) * (1 + 4 + 9) = 3.5. {HALF}")


def test_backward_through_the_l2_penalty_gives_lambda_times_every_parameter():
    model = line_model()
    l2_penalty_torch(model, 0.5).backward()
    expect_array(model.weight.grad.numpy(), [[0.5, -1.0]], dtype="float32",
                 call="model.weight.grad after l2_penalty_torch(model, 0.5).backward()",
                 concept=f"The gradient of (lam/2)*||w||^2 is lam*w. {HALF}")
    expect_array(model.bias.grad.numpy(), [1.5], dtype="float32",
                 call="model.bias.grad after l2_penalty_torch(model, 0.5).backward()",
                 concept=f"The bias is a parameter too. {HALF}")


@pytest.mark.parametrize(("lam", "expected"), [(0.1, 1.6), (None, 1.0006)],
                         ids=["lambda 0.1", "the default lambda is 1e-4"])
def test_the_l1_loss_adds_lambda_times_the_sum_of_absolute_values(lam, expected):
    model, used = line_model(), 1e-4 if lam is None else lam
    if lam is None:
        total, call = map_loss_l1(torch.tensor(1.0), model), "map_loss_l1(torch.tensor(1.0), model)"
    else:
        total = map_loss_l1(torch.tensor(1.0), model, lam=lam)
        call = f"map_loss_l1(torch.tensor(1.0), model, lam={lam})"
    expect_close(total.item(), expected, rel=1e-6, call=call,
                 concept="loss + lam * (|1| + |-2| + |3|), with lam = 1e-4 unless given.")
    total.backward()
    expect_array(model.weight.grad.numpy(), [[used, -used]], rtol=1e-6,
                 dtype="float32", call=f"model.weight.grad after {call}.backward()",
                 concept="The gradient of lam*|w| is lam*sign(w).")


def expected_sgd_step(lr: float, weight_decay: float, l2: float) -> list[np.ndarray]:
    """One SGD step on the line model: p - lr * (grad of the mean squared error + (wd + l2) p)."""
    w, b = np.array([1.0, -2.0]), 3.0
    inputs, targets = X.numpy().astype(float), Y.numpy().astype(float)[:, 0]
    error = inputs @ w + b - targets
    grad_w, grad_b = 2 * inputs.T @ error / len(error), 2 * error.mean()
    decay = weight_decay + l2
    return [(w - lr * (grad_w + decay * w))[None, :], np.array([b - lr * (grad_b + decay * b)])]


@pytest.mark.parametrize(("weight_decay", "l2"), [(0.0, 0.0), (0.2, 0.0), (0.0, 0.3)],
                         ids=["on the mean squared error", "weight_decay adds wd times p",
                              "l2 adds the gradient of the l2 penalty"])
def test_one_sgd_step_follows_the_gradient_of_the_loss(weight_decay, l2):
    call = f"train(model, X, y, lr=0.1, steps=1, weight_decay={weight_decay}, l2={l2})"
    trained = train(line_model(), X, Y, lr=0.1, steps=1, weight_decay=weight_decay, l2=l2)
    for name, got, want in zip(("weight", "bias"), parameters(trained),
                               expected_sgd_step(0.1, weight_decay, l2), strict=True):
        expect_array(got, want, rtol=1e-5, atol=1e-6, dtype="float32",
                     call=f"{call}.{name}", concept=STEP)


def test_sgd_takes_exactly_steps_steps_and_none_when_steps_is_zero():
    model = train(line_model(), X, Y, lr=0.05, steps=3)
    one_at_a_time = line_model()
    for _ in range(3):
        train(one_at_a_time, X, Y, lr=0.05, steps=1)
    for got, want in zip(parameters(model), parameters(one_at_a_time), strict=True):
        expect_array(got, want, rtol=1e-6, dtype="float32",
                     call="train(model, X, y, lr=0.05, steps=3)",
                     concept="Three SGD steps in one call are three calls of one step.")
    for got, want in zip(parameters(train(line_model(), X, Y, steps=0)),
                         parameters(line_model()), strict=True):
        expect_array(got, want, exact=True, dtype="float32", call="train(model, X, y, steps=0)",
                     concept="steps=0 takes no step: the model stays as it was.")


def test_train_defaults_to_sgd_with_lr_0_01_for_100_steps():
    defaults = parameters(train(line_model(), X, Y))
    explicit = parameters(train(line_model(), X, Y, optimizer="sgd", lr=0.01, steps=100))
    for got, want in zip(defaults, explicit, strict=True):
        expect_array(got, want, rtol=1e-6, dtype="float32", call="train(model, X, y)",
                     concept="train's defaults are optimizer=\"sgd\", lr=0.01, steps=100.")


def test_train_changes_the_given_model_and_returns_that_same_object():
    model = line_model()
    expect(train(model, X, Y, steps=2) is model,
           "train(model, X, y) returned another object: train changes the parameters of `model` "
           "itself, in place, and ends with `return model`.")
    expect(not np.array_equal(parameters(model)[1], [3.0]),
           "After train(model, X, y, steps=2) the model's bias is still 3.0: train the model "
           "it was given, not a copy.")


def test_adam_keeps_its_moment_estimates_across_steps():
    two_steps = parameters(train(line_model(), X, Y, optimizer="adam", lr=0.1, steps=2))
    restarted = line_model()
    for _ in range(2):
        train(restarted, X, Y, optimizer="adam", lr=0.1, steps=1)
    gap = max(float(np.abs(a - b).max()) for a, b in zip(two_steps, parameters(restarted),
                                                         strict=True))
    expect(gap > 1e-4,
           "train(model, X, y, optimizer='adam', lr=0.1, steps=2) gives the same weights as two "
           f"fresh one-step runs (largest difference {gap:.3g}): build the optimizer once, "
           "before the loop, so that Adam keeps its moment estimates. " + STEP)


def test_adamw_shrinks_the_weights_outside_the_adaptive_step():
    decayed = parameters(train(line_model(), X, Y, optimizer="adamw", lr=0.1, steps=1,
                               weight_decay=0.5))
    plain = parameters(train(line_model(), X, Y, optimizer="adamw", lr=0.1, steps=1))
    for name, a, b, p in zip(("weight", "bias"), decayed, plain, parameters(line_model()),
                             strict=True):
        expect_array(a - b, -0.1 * 0.5 * p, rtol=1e-4, atol=1e-6, dtype="float32",
                     call=f"the {name} after one AdamW step with weight_decay=0.5, minus without",
                     concept="AdamW (torch.optim.AdamW) multiplies each parameter by "
                             "1 - lr*weight_decay besides the Adam step: decoupled decay. Adam "
                             "would add weight_decay*p to the gradient instead.")


@pytest.mark.parametrize(("options", "names"), [
    ({"optimizer": "rmsprop"}, "optimizer"), ({"lr": 0.0}, ("lr", "learning rate")),
    ({"lr": -0.5}, ("lr", "learning rate")), ({"steps": -2}, "steps"),
    ({"weight_decay": -0.1}, ("weight_decay", "weight decay")), ({"l2": -1.0}, "l2"),
], ids=["an unknown optimizer", "lr of zero", "a negative lr", "negative steps",
        "a negative weight_decay", "a negative l2"])
def test_train_refuses_an_unknown_optimizer_and_negative_settings(refuses, options, names):
    options = {"steps": 2, **options}
    shown = ", ".join(f"{key}={value!r}" for key, value in options.items())
    refuses(train, line_model(), X, Y, **options, names=names,
            call=f"train(model, X, y, {shown})",
            concept="optimizer is one of \"sgd\", \"adam\", \"adamw\"; lr must be > 0; steps, "
                    "weight_decay and l2 must be >= 0.")


@pytest.mark.parametrize(("optimizer", "model"), [
    ("sgd", line_model), ("adam", line_model), ("adam", hidden_model),
], ids=["SGD", "Adam", "Adam with a hidden layer"])
def test_weight_decay_and_the_l2_penalty_train_the_same_weights_with_sgd_and_adam(optimizer,
                                                                                 model):
    call = f"weight_decay_gap(model, X, y, optimizer={optimizer!r}, lam=0.2, lr=0.05, steps=10)"
    gap = expect_float(weight_decay_gap(model(), X, Y, optimizer=optimizer, lam=0.2, lr=0.05,
                                        steps=10), call=call)
    expect(0 <= gap <= 1e-6,
           f"{call} returned {gap!r}; expected about 0 (at most 1e-6): with SGD and Adam, "
           "weight_decay=lam adds lam*p to the gradient, the gradient of l2_penalty_torch(model, "
           "lam). Train two deep copies, one with weight_decay=lam and one with l2=lam.")


def test_adamw_decay_is_not_an_l2_penalty_and_the_gap_is_the_largest_difference():
    call = "weight_decay_gap(model, X, y, optimizer='adamw', lam=0.5, lr=0.05, steps=10)"
    model = hidden_model()
    before = parameters(model)
    gap = expect_float(weight_decay_gap(model, X, Y, optimizer="adamw", lam=0.5, lr=0.05,
                                        steps=10), call=call)
    options = {"optimizer": "adamw", "lr": 0.05, "steps": 10}
    decayed = parameters(train(copy.deepcopy(model), X, Y, weight_decay=0.5, **options))
    penalised = parameters(train(copy.deepcopy(model), X, Y, l2=0.5, **options))
    largest = max(float(np.abs(a - b).max()) for a, b in zip(decayed, penalised, strict=True))
    expect(largest > 1e-3, f"AdamW with weight_decay=0.5 and with l2=0.5 end {largest:.3g} "
                           "apart; decoupled decay should set them clearly apart.")
    expect_close(gap, largest, rel=1e-5, call=call,
                 concept="The gap is the largest |difference| between the parameters of the "
                         "run with weight_decay=lam and the run with l2=lam: AdamW's decoupled "
                         "decay is not an L2 term in the loss.")
    for got, want in zip(parameters(model), before, strict=True):
        expect_array(got, want, exact=True, dtype="float32", call=f"the model after {call}",
                     concept="weight_decay_gap trains two copy.deepcopy(model)s and leaves the "
                             "model it was given untouched.")


@pytest.mark.parametrize(("prior_precision", "noise_var", "n", "expected"), [
    (1.0, 1.0, 10, 0.2), (0.5, 2.0, 8, 0.25), (0.25, 2.0, 1, 1.0),
], ids=["unit noise, precision 1, ten examples", "noise_var multiplies, n divides",
        "a single example"])
def test_the_decay_of_a_gaussian_prior_is_2_noise_var_precision_over_n(prior_precision,
                                                                        noise_var, n, expected):
    call = f"weight_decay_for_prior({prior_precision}, {noise_var}, {n})"
    got = expect_float(weight_decay_for_prior(prior_precision, noise_var, n), call=call)
    expect_close(got, expected, call=call,
                 concept="MSELoss() is the mean over n examples: multiplying the MAP objective "
                         "by 2*noise_var/n gives weight_decay = 2 * noise_var * prior_precision "
                         "/ n.")


@pytest.mark.parametrize(("prior_precision", "noise_var", "n", "name"), [
    (-2.0, 1.0, 5, "prior_precision"), (1.0, -0.5, 5, "noise_var"), (1.0, 1.0, 0, "n"),
], ids=["a negative precision", "a negative noise variance", "no examples"])
def test_weight_decay_for_prior_refuses_what_is_not_a_prior(refuses, prior_precision, noise_var,
                                                           n, name):
    refuses(weight_decay_for_prior, prior_precision, noise_var, n, names=name,
            concept="A precision and a noise variance are positive, and n counts examples, at "
                    "least 1.")
