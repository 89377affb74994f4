def train(model, X, y, *, optimizer="sgd", lr=0.01, steps=100, weight_decay=0.0, l2=0.0):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    for value, name in ((lr, "lr"), (steps, "steps"), (weight_decay, "weight_decay"), (l2, "l2")):
        if value < 0 or (name == "lr" and value == 0):
            raise ValueError(f"{name} is out of range: {value!r}")
    for _ in range(steps):
        opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr, weight_decay=weight_decay)
        opt.zero_grad()
        loss = nn.MSELoss()(model(X), y) + l2_penalty_torch(model, l2)
        loss.backward()
        opt.step()
    return model
