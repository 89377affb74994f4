def weight_decay_gap(model, X, y, *, optimizer, lam, lr=0.01, steps=100):
    decayed = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps,
                    weight_decay=lam)
    plain = train(copy.deepcopy(model), X, y, optimizer=optimizer, lr=lr, steps=steps)
    return max((a - b).abs().max().item()
               for a, b in zip(decayed.parameters(), plain.parameters(), strict=True))
