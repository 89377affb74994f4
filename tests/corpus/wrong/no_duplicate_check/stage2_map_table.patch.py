def posterior_table(thetas, prior, heads, tails) -> PosteriorTable:
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    thetas = np.asarray(thetas, dtype=float)
    prior = np.asarray(prior, dtype=float)
    if thetas.ndim != 1 or thetas.size == 0:
        raise ValueError(f"thetas must be a non-empty list of candidates, got {thetas.tolist()!r}")
    if prior.shape != thetas.shape:
        raise ValueError(f"prior has {prior.size} entries but thetas has {thetas.size}")
    if np.isnan(thetas).any() or (thetas < 0).any() or (thetas > 1).any():
        raise ValueError(f"every theta must lie in [0, 1], got {thetas.tolist()!r}")
    if not np.isfinite(prior).all() or (prior < 0).any():
        raise ValueError(f"prior must hold non-negative probabilities, got {prior.tolist()!r}")
    if abs(prior.sum() - 1.0) > 1e-9:
        raise ValueError(f"prior must sum to 1, but it sums to {prior.sum()!r}")

    with np.errstate(divide="ignore", invalid="ignore"):
        log_likelihood = np.where(heads > 0, heads * np.log(thetas), 0.0) + np.where(
            tails > 0, tails * np.log1p(-thetas), 0.0
        )
        log_product = np.log(prior) + log_likelihood
    if np.isneginf(log_product).all():
        raise ValueError(
            f"the data (heads={heads}, tails={tails}) are impossible under every candidate "
            "with positive prior"
        )
    peak = log_product.max()
    scaled = np.exp(log_product - peak)
    log_evidence = peak + math.log(scaled.sum())
    likelihood = np.exp(log_likelihood)
    product = prior * likelihood
    return PosteriorTable(
        theta=thetas,
        prior=prior,
        likelihood=likelihood,
        product=product,
        posterior=scaled / scaled.sum(),
        evidence=float(product.sum()),
        log_evidence=float(log_evidence),
    )
