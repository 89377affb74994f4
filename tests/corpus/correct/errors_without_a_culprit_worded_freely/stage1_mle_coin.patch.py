def mle(heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if heads + tails == 0:
        raise ValueError("nothing observed")
    return heads / (heads + tails)
