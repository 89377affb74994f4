def _log_lik(theta, heads, tails):
    total = 0.0
    if heads:
        total += heads * math.log(theta) if theta > 0 else -math.inf
    if tails:
        total += tails * math.log1p(-theta) if theta < 1 else -math.inf
    return total


def posterior_table(thetas, prior, heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    thetas = [float(theta) for theta in thetas]
    prior = [float(p) for p in prior]
    if not thetas or len(prior) != len(thetas):
        raise ValueError("thetas and prior must be non-empty and of the same length")
    for theta in thetas:
        if not 0.0 <= theta <= 1.0:
            raise ValueError(f"theta {theta} is outside [0, 1]")
    if len(set(thetas)) != len(thetas):
        raise ValueError("thetas holds a candidate twice")
    for p in prior:
        if not p >= 0.0 or math.isinf(p):
            raise ValueError(f"prior holds {p}, not a probability")
    if abs(math.fsum(prior) - 1.0) > 1e-9:
        raise ValueError(f"prior sums to {math.fsum(prior)}, not 1")
    log_products = []
    for theta, p in zip(thetas, prior, strict=True):
        log_products.append(math.log(p) + _log_lik(theta, heads, tails) if p > 0 else -math.inf)
    peak = max(log_products)
    if peak == -math.inf:
        raise ValueError(f"heads={heads}, tails={tails} are impossible under every candidate")
    weights = [math.exp(value - peak) for value in log_products]
    total = math.fsum(weights)
    likelihood = [math.exp(_log_lik(theta, heads, tails)) for theta in thetas]
    product = [p * lik for p, lik in zip(prior, likelihood, strict=True)]
    return PosteriorTable(
        theta=np.array(thetas), prior=np.array(prior), likelihood=np.array(likelihood),
        product=np.array(product), posterior=np.array([w / total for w in weights]),
        evidence=math.fsum(product), log_evidence=peak + math.log(total))


def map_estimate(thetas, prior, heads, tails):
    table = posterior_table(thetas, prior, heads, tails)
    best = 0
    for index in range(len(table.theta)):
        if table.posterior[index] > table.posterior[best]:
            best = index
    return float(table.theta[best])


def posterior_mean(thetas, prior, heads, tails):
    table = posterior_table(thetas, prior, heads, tails)
    return math.fsum(float(t) * float(p) for t, p in zip(table.theta, table.posterior, strict=True))
