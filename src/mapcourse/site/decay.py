"""PyTorch's weight_decay next to an explicit L2 penalty, trained by the stage 5 reference.

weight_decay=lam adds lam * w to each gradient, the gradient of (lam/2) ||w||^2: SGD and Adam
then minimise MSE + (lam/2) ||w||^2 (coupled L2). AdamW shrinks w by lr * lam * w outside the
adaptive step (decoupled), so it follows another path to another point.

torch is imported inside the functions: the build runs them in a second Python process
(`python -m mapcourse.site.decay ROOT`) while the first draws the other figures, and only the
second pays for importing torch.
"""

from __future__ import annotations

import copy
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mapcourse.manifest import Course
from mapcourse.reference import load_reference

if TYPE_CHECKING:
    import torch
    from torch import nn

OPTIMIZERS = ("sgd", "adam", "adamw")
LAM = 0.5
LR = 0.1
STEPS = 100


@dataclass(frozen=True)
class Trajectories:
    """Weights (steps, 2) before each step, per optimizer, with weight_decay=LAM and with l2=LAM."""

    weight_decay: dict[str, np.ndarray]
    l2: dict[str, np.ndarray]
    map_weights: np.ndarray


def toy_problem(n: int = 32, seed: int = 0) -> tuple[nn.Linear, torch.Tensor, torch.Tensor]:
    """nn.Linear(2, 1) and data y = X (2, -1)^T + 0.1 noise, all seeded."""
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=generator)
    y = X @ torch.tensor([[2.0], [-1.0]]) + 0.1 * torch.randn(n, 1, generator=generator)
    torch.manual_seed(seed)
    return nn.Linear(2, 1), X, y


def _trained_weights(course: Course, optimizer: str, **penalty: float) -> np.ndarray:
    """The weights before each of STEPS steps of the reference `train`, recorded by a hook."""
    stage5 = load_reference(course, "stage5_weight_decay")
    model, X, y = toy_problem()
    model = copy.deepcopy(model)
    seen: list[list[float]] = []
    model.register_forward_pre_hook(lambda m, _: seen.append(m.weight.detach().view(-1).tolist()))
    stage5.train(model, X, y, optimizer=optimizer, lr=LR, steps=STEPS, **penalty)
    seen.append(model.weight.detach().view(-1).tolist())
    return np.array(seen)


def trajectories(course: Course) -> Trajectories:
    """Both runs for each optimizer, and the MAP weights they should reach.

    MSE + (lam/2)||(w, b)||^2 times n/2 is 0.5 ||y - Xw - b||^2 + (n lam / 4)||(w, b)||^2: the
    ridge objective with noise_var = 1 and prior precision n lam / 2.
    """
    stage3 = load_reference(course, "stage3_gaussian_l2")
    _, X, y = toy_problem()
    X_with_bias = np.hstack([X.numpy(), np.ones((X.shape[0], 1))]).astype(float)
    map_weights = stage3.map_ridge(X_with_bias, y.numpy().ravel(), 1.0, X.shape[0] * LAM / 2)
    return Trajectories(
        weight_decay={
            name: _trained_weights(course, name, weight_decay=LAM) for name in OPTIMIZERS
        },
        l2={name: _trained_weights(course, name, l2=LAM) for name in OPTIMIZERS},
        map_weights=map_weights[:2],
    )


def gaps(course: Course) -> dict[str, float]:
    """weight_decay_gap for each optimizer: ~0 for sgd and adam, clearly positive for adamw."""
    stage5 = load_reference(course, "stage5_weight_decay")
    model, X, y = toy_problem()
    return {
        name: stage5.weight_decay_gap(model, X, y, optimizer=name, lam=LAM, lr=LR, steps=STEPS)
        for name in OPTIMIZERS
    }


def weight_decays(
    course: Course, cases=((1.0, 1.0, 32), (1.0, 0.25, 32), (0.0016, 1.0, 32))
) -> list[tuple[float, float, int, float]]:
    """(prior_precision, noise_var, n, weight_decay): weight_decay = 2 noise_var precision / n."""
    stage5 = load_reference(course, "stage5_weight_decay")
    return [(p, s, n, stage5.weight_decay_for_prior(p, s, n)) for p, s, n in cases]


@dataclass(frozen=True)
class DecayResults:
    """Everything the weight-decay page shows: trajectories, gaps and prior conversions."""

    trajectories: Trajectories
    gaps: dict[str, float]
    weight_decays: list[tuple[float, float, int, float]]
    lam: float = LAM


def decay_results(course: Course) -> DecayResults:
    """Train every run the weight-decay page needs (single-threaded: the models are tiny)."""
    import torch

    torch.set_num_threads(1)
    return DecayResults(trajectories(course), gaps(course), weight_decays(course))


if __name__ == "__main__":
    # `python -m mapcourse.site.decay ROOT`: the results, pickled, on standard output.
    # os._exit skips torch's slow teardown; the parent is waiting for this output.
    from mapcourse.manifest import load_course
    from mapcourse.site import decay  # this module under its own name, so pickle can find it

    sys.stdout.buffer.write(pickle.dumps(decay.decay_results(load_course(Path(sys.argv[1])))))
    sys.stdout.flush()
    os._exit(0)
