def map_estimate(thetas, prior, heads, tails) -> float:
    table = posterior_table(thetas, prior, heads, tails)
    best = 0
    for index, probability in enumerate(table.posterior):
        if probability >= table.posterior[best]:
            best = index
    return float(table.theta[best])
