def l2_penalty_torch(model, lam):
    return torch.tensor((lam / 2) * sum(p.pow(2).sum().item() for p in model.parameters()))
