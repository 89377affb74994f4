_reference_beta_posterior = beta_posterior


def beta_posterior(a, b, heads, tails):
    for value, name in ((a, "a"), (b, "b")):
        if not value > 0:
            raise ValueError(f"the prior's `{name}` = {value!r} must be positive")
    return _reference_beta_posterior(a, b, heads, tails)
