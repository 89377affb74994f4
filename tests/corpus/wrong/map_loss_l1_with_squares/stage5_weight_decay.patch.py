def map_loss_l1(loss, model, lam=1e-4):
    return loss + lam * sum(p.pow(2).sum() for p in model.parameters())
