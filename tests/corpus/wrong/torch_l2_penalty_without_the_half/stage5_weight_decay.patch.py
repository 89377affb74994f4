def l2_penalty_torch(model, lam):
    return lam * sum(p.pow(2).sum() for p in model.parameters())
