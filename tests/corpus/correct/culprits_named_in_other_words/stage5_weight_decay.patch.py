_reference_train = train


def train(model, X, y, *, optimizer="sgd", lr=0.01, steps=100, weight_decay=0.0, l2=0.0):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Optimizer {optimizer!r} is unknown: use 'sgd', 'adam' or 'adamw'")
    if not lr > 0:
        raise ValueError(f"Learning rate {lr!r} is not positive")
    return _reference_train(model, X, y, optimizer=optimizer, lr=lr, steps=steps,
                            weight_decay=weight_decay, l2=l2)
