def mle(heads, tails) -> float:
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if heads + tails == 0:
        raise ValueError("heads and tails are both 0: with no flips the MLE is undefined")
    return round(heads / (heads + tails), 3)
