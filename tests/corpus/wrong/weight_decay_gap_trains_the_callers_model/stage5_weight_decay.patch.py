def weight_decay_gap(model, X, y, *, optimizer, lam, lr=0.01, steps=100):
    penalised = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps, l2=lam)
    decayed = train(model, X, y, optimizer=optimizer, lr=lr, steps=steps, weight_decay=lam)
    return max((a - b).abs().max().item()
               for a, b in zip(decayed.parameters(), penalised.parameters(), strict=True))
