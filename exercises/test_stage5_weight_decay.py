"""Visible tests, stage 5: what PyTorch's weight_decay really is (run `pytest` here)."""

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

from mapcourse.checks import expect, expect_array, expect_close


def line_model() -> nn.Linear:
    """nn.Linear(2, 1) with weight [[1, -2]] and bias [3]."""
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -2.0]]))
        model.bias.copy_(torch.tensor([3.0]))
    return model


def test_the_l2_penalty_of_a_small_line_is_half_lambda_times_fourteen():
    penalty = l2_penalty_torch(line_model(), 0.5)
    expect(isinstance(penalty, torch.Tensor),
           f"l2_penalty_torch(model, 0.5) returned {type(penalty).__name__}; expected a tensor.")
    expect_close(penalty.item(), 3.5, rel=1e-6, call="l2_penalty_torch(model, 0.5)",
                 concept="(0.5/2) * (1 + 4 + 9) = 3.5: the bias counts too.")


def test_backward_through_the_l2_penalty_gives_lambda_times_the_weights():
    model = line_model()
    l2_penalty_torch(model, 0.5).backward()
    expect_array(model.weight.grad.numpy(), [[0.5, -1.0]], dtype="float32",
                 call="model.weight.grad after l2_penalty_torch(model, 0.5).backward()",
                 concept="The gradient of (lam/2)*||w||^2 is lam*w, what weight_decay=lam adds.")


def test_the_l1_loss_of_the_small_line_adds_lambda_times_six():
    total = map_loss_l1(torch.tensor(1.0), line_model(), lam=0.1)
    expect_close(total.item(), 1.6, rel=1e-6, call="map_loss_l1(torch.tensor(1.0), model, lam=0.1)",
                 concept="1.0 + 0.1 * (|1| + |-2| + |3|) = 1.6.")


def test_sgd_weight_decay_and_the_l2_penalty_train_the_same_weights():
    torch.manual_seed(0)
    X, y = torch.randn(16, 2), torch.randn(16, 1)
    gap = weight_decay_gap(line_model(), X, y, optimizer="sgd", lam=0.1, steps=20)
    expect(gap <= 1e-6, f"weight_decay_gap(..., optimizer='sgd', lam=0.1) returned {gap}; "
                        "expected about 0: SGD's weight_decay is the gradient of the L2 penalty.")


def test_train_returns_the_model_it_was_given_and_knows_three_optimizers():
    torch.manual_seed(0)
    X, y = torch.randn(16, 2), torch.randn(16, 1)
    model = line_model()
    expect(train(model, X, y, steps=5) is model,
           "train(model, X, y) should train the model in place and return it.")
    with pytest.raises(ValueError):
        train(line_model(), X, y, optimizer="rmsprop")


def test_a_unit_noise_prior_of_precision_one_over_ten_examples_is_decay_0_2():
    expect_close(weight_decay_for_prior(1.0, 1.0, 10), 0.2,
                 call="weight_decay_for_prior(1.0, 1.0, 10)",
                 concept="2 * noise_var * prior_precision / n = 2 * 1 * 1 / 10.")
