def l2_penalty_torch(model, lam):
    return 0.5 * lam * sum(torch.linalg.vector_norm(p) ** 2 for p in model.parameters())


def _mean_squared_error(prediction, target):
    return ((prediction - target) ** 2).mean()


def train(model, X, y, *, optimizer="sgd", lr=0.01, steps=100, weight_decay=0.0, l2=0.0):
    if lr <= 0:
        raise ValueError(f"the learning rate lr must be positive, not {lr}")
    if steps < 0:
        raise ValueError(f"steps cannot be negative ({steps})")
    if weight_decay < 0:
        raise ValueError(f"weight_decay cannot be negative ({weight_decay})")
    if l2 < 0:
        raise ValueError(f"l2 cannot be negative ({l2})")
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay)
    elif optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    elif optimizer == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer {optimizer!r} is not sgd, adam or adamw")
    for _ in range(steps):
        loss = _mean_squared_error(model(X), y) + l2_penalty_torch(model, l2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model
