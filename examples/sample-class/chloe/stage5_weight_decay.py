# Sample submission for the course's demo class (examples/make_sample_class.py).
"""Stage 5: what PyTorch's weight_decay really is.

weight_decay=lam adds lam * p to every gradient, the gradient of (lam/2) * ||p||^2:
for SGD and Adam that is MAP with a Gaussian prior (coupled L2). AdamW shrinks the
weights outside the gradient (decoupled decay), which is not an L2 term in the loss.
`model` is any torch.nn.Module; X is (n, d) and y is (n, 1), float32 tensors.
"""

import copy
import math

import torch
from torch import nn

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def _check_non_negative(value, name: str) -> float:
    """value as a float that is finite and >= 0."""
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def l2_penalty_torch(model: nn.Module, lam) -> torch.Tensor:
    """(lam/2) * sum over parameters of ||p||^2, a differentiable scalar Tensor.

    Its gradient is lam * p, exactly what weight_decay=lam adds to each gradient in SGD and
    Adam (the source's comment says lam*||w||**2: off by a factor of 2).
    Raises ValueError naming `lam` when lam < 0. Left open (not graded): a nan or infinite
    `lam`; refuse it with ValueError naming `lam`, or let it through.
    """
    lam = _check_non_negative(lam, "lam")
    squared_norm = sum((p.pow(2).sum() for p in model.parameters()), torch.zeros(()))
    return (lam / 2) * squared_norm


def map_loss_l1(loss: torch.Tensor, model: nn.Module, lam=1e-4) -> torch.Tensor:
    """loss + lam * sum of |p| over all parameters, a Tensor: MAP with a Laplace prior.

    Raises ValueError naming `lam` when lam < 0. Left open (not graded): a nan or infinite
    `lam`; refuse it with ValueError naming `lam`, or let it through.
    """
    lam = _check_non_negative(lam, "lam")
    l1_norm = sum((p.abs().sum() for p in model.parameters()), torch.zeros(()))
    return loss + lam * l1_norm


def train(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    optimizer="sgd",
    lr=0.01,
    steps=100,
    weight_decay=0.0,
    l2=0.0,
) -> nn.Module:
    """Full-batch training of `model` in place for `steps` steps; returns `model` itself.

    Loss MSELoss() (mean) + l2_penalty_torch(model, l2); optimizer "sgd", "adam" or "adamw"
    (torch's SGD, Adam, AdamW with their defaults except lr and weight_decay).
    Raises ValueError naming `optimizer` when it is unknown, `lr` when lr <= 0, `steps` when
    steps < 0, and `weight_decay` or `l2` when negative. Left open (not graded): a `steps`
    that is not a whole number (2.5) and a nan or infinite `lr`, `weight_decay` or `l2`; refuse
    them with ValueError or TypeError naming the argument, or let torch decide.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
    if not isinstance(lr, int | float) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    weight_decay = _check_non_negative(weight_decay, "weight_decay")
    l2 = _check_non_negative(l2, "l2")
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr, weight_decay=weight_decay)
    mse = nn.MSELoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = mse(model(X), y) + l2_penalty_torch(model, l2)
        loss.backward()
        opt.step()
    return model


def weight_decay_gap(model: nn.Module, X, y, *, optimizer, lam, lr=0.01, steps=100) -> float:
    """Largest |difference| between parameters trained with weight_decay=lam and with l2=lam.

    A float. Trains two deep copies of `model` with train(), so the model passed in is left
    unchanged. About 0 (<= 1e-6) for "sgd" and "adam" (coupled L2: the same MAP objective), clearly
    positive for "adamw" (decoupled decay is not an L2 penalty in the loss).
    """
    decayed = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps,
                    weight_decay=lam)
    penalised = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps, l2=lam)
    return max(
        (a - b).abs().max().item()
        for a, b in zip(decayed.parameters(), penalised.parameters(), strict=True)
    )


def weight_decay_for_prior(prior_precision, noise_var, n) -> float:
    """The weight_decay that turns mean MSELoss into the Gaussian MAP objective, a float.

    MAP minimises sum (y - f)^2 / (2*noise_var) + (prior_precision/2)*||w||^2 over n examples;
    times 2*noise_var/n this is MSELoss() + (wd/2)*||w||^2, so for SGD or Adam
    wd = 2*noise_var*prior_precision/n. Raises ValueError naming `prior_precision` or
    `noise_var` when <= 0, and `n` when n < 1. Left open (not graded): an `n` that is not a
    whole number (2.5) and a nan or infinite `prior_precision` or `noise_var`; refuse them
    with ValueError or TypeError naming the argument, or let them through.
    """
    for value, name in ((prior_precision, "prior_precision"), (noise_var, "noise_var")):
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of examples >= 1, got {n!r}")
    return 2 * noise_var * prior_precision / n
