from bayes_helpers import log_likelihoods, normalise_logs  # noqa: E402


def posterior_table(thetas, prior, heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    thetas, prior = np.array(thetas, dtype=np.float64), np.array(prior, dtype=np.float64)
    if thetas.size == 0 or thetas.shape != prior.shape or thetas.ndim != 1:
        raise ValueError("thetas and prior must be non-empty 1-d lists of equal length")
    if ((thetas < 0) | (thetas > 1) | np.isnan(thetas)).any():
        raise ValueError("each theta must be in [0, 1]")
    if len(set(thetas.tolist())) < thetas.size:
        raise ValueError("duplicate thetas")
    if (prior < 0).any() or not np.isfinite(prior).all() or abs(prior.sum() - 1) > 1e-9:
        raise ValueError("prior must be non-negative and sum to 1")
    log_lik = log_likelihoods(thetas, heads, tails)
    with np.errstate(divide="ignore"):
        log_weights = np.log(prior) + log_lik
    if not np.isfinite(log_weights).any():
        raise ValueError("impossible data: heads and tails have probability 0 under the prior")
    posterior, log_evidence = normalise_logs(log_weights)
    likelihood = np.exp(log_lik)
    return PosteriorTable(thetas, prior, likelihood, prior * likelihood, posterior,
                          float(np.sum(prior * likelihood)), log_evidence)


def map_estimate(thetas, prior, heads, tails):
    table = posterior_table(thetas, prior, heads, tails)
    return table.theta[int(np.argmax(table.posterior))].item()
