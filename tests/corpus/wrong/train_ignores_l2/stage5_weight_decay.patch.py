def train(model, X, y, *, optimizer="sgd", lr=0.01, steps=100, weight_decay=0.0, l2=0.0):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    if lr <= 0 or steps < 0 or weight_decay < 0 or l2 < 0:
        raise ValueError(f"bad settings: lr={lr}, steps={steps}, weight_decay={weight_decay}, "
                         f"l2={l2}")
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(steps):
        opt.zero_grad()
        nn.MSELoss()(model(X), y).backward()
        opt.step()
    return model
