def beta_posterior(a, b, heads, tails):
    for value, name in ((a, "a"), (b, "b")):
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(a + _as_count(heads, "heads")), float(b + _as_count(tails, "tails"))
