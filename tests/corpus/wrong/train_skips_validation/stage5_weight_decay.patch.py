def train(model, X, y, *, optimizer="sgd", lr=0.01, steps=100, weight_decay=0.0, l2=0.0):
    opt = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}.get(optimizer, torch.optim.SGD)(
        model.parameters(), lr=lr, weight_decay=abs(weight_decay))
    for _ in range(steps):
        opt.zero_grad()
        penalty = (l2 / 2) * sum(p.pow(2).sum() for p in model.parameters())
        loss = nn.MSELoss()(model(X), y) + penalty
        loss.backward()
        opt.step()
    return model
