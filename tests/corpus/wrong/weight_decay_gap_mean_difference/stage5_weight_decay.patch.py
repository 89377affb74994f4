def weight_decay_gap(model, X, y, *, optimizer, lam, lr=0.01, steps=100):
    decayed = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps,
                    weight_decay=lam)
    penalised = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps, l2=lam)
    pairs = zip(decayed.parameters(), penalised.parameters(), strict=True)
    differences = torch.cat([(a - b).abs().flatten() for a, b in pairs])
    return differences.mean().item()
