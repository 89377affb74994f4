def beta_posterior(a, b, heads, tails):
    for value, name in ((a, "a"), (b, "b")):
        if not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(a + _as_count(tails, "tails")), float(b + _as_count(heads, "heads"))
