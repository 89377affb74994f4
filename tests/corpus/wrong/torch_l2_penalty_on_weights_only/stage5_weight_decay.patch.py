def l2_penalty_torch(model, lam):
    weights = [p for name, p in model.named_parameters() if not name.endswith("bias")]
    return (lam / 2) * sum(p.pow(2).sum() for p in weights)
