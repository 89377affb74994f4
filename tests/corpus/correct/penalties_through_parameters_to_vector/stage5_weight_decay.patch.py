import numpy as np
from torch.nn.utils import parameters_to_vector


def l2_penalty_torch(model, lam):
    theta = parameters_to_vector(model.parameters())
    return lam * theta.dot(theta) / 2


def map_loss_l1(loss, model, lam=1e-4):
    return loss + lam * torch.norm(parameters_to_vector(model.parameters()), p=1)


def weight_decay_gap(model, X, y, *, optimizer, lam, lr=0.01, steps=100):
    runs = []
    for options in ({"weight_decay": lam}, {"l2": lam}):
        copied = copy.deepcopy(model)
        train(copied, X, y, optimizer=optimizer, lr=lr, steps=steps, **options)
        runs.append(copied.state_dict())
    decayed, penalised = runs
    return np.float64(max(float((decayed[key] - penalised[key]).abs().max()) for key in decayed))
