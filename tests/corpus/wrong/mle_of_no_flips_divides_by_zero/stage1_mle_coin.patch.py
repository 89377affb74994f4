def mle(heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    return heads / (heads + tails)
