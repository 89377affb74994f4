def map_loss_l1(loss, model, lam=1e-3):
    return loss + lam * sum(p.abs().sum() for p in model.parameters())
