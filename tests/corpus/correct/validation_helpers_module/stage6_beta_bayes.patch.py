from checks_helpers import count, positive


def beta_posterior(a, b, heads, tails):
    return positive(a, "a") + count(heads, "heads"), positive(b, "b") + count(tails, "tails")
