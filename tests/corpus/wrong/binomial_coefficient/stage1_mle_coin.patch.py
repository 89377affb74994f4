def log_likelihood(theta, heads, tails):
    thetas = np.asarray(theta, dtype=float)
    if np.isnan(thetas).any() or (thetas < 0).any() or (thetas > 1).any():
        raise ValueError(f"theta must lie in [0, 1], got {theta!r}")
    n = heads + tails
    log_binomial = math.lgamma(n + 1) - math.lgamma(heads + 1) - math.lgamma(tails + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = log_binomial + np.where(heads > 0, heads * np.log(thetas), 0.0) + np.where(
            tails > 0, tails * np.log1p(-thetas), 0.0)
    return float(result) if result.ndim == 0 else result
