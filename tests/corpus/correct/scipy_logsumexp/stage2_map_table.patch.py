from scipy.special import logsumexp, softmax, xlog1py, xlogy  # noqa: E402


def posterior_table(thetas, prior, heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    thetas, prior = np.asarray(thetas, dtype=float), np.asarray(prior, dtype=float)
    if thetas.ndim != 1 or len(thetas) == 0 or len(prior) != len(thetas):
        raise ValueError(f"thetas and prior must have the same non-zero length: {thetas}, {prior}")
    if np.any(~((thetas >= 0) & (thetas <= 1))):
        raise ValueError(f"theta outside [0, 1]: {thetas}")
    if len(np.unique(thetas)) < len(thetas):
        raise ValueError(f"duplicate theta in {thetas}")
    if np.any(~(prior >= 0)) or np.any(np.isinf(prior)):
        raise ValueError(f"negative prior: {prior}")
    if not abs(np.sum(prior) - 1) <= 1e-9:
        raise ValueError(f"prior sums to {np.sum(prior)}")
    log_lik = xlogy(heads, thetas) + xlog1py(tails, -thetas)
    with np.errstate(divide="ignore"):
        log_product = np.log(prior) + log_lik
    if np.all(log_product == -np.inf):
        raise ValueError(f"heads={heads}, tails={tails}: impossible under every candidate")
    likelihood = np.exp(log_lik)
    return PosteriorTable(thetas, prior, likelihood, prior * likelihood, softmax(log_product),
                          np.sum(prior * likelihood), logsumexp(log_product))
