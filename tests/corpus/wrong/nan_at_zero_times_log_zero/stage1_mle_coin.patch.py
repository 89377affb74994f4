def log_likelihood(theta, heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    thetas = np.asarray(theta, dtype=float)
    if np.isnan(thetas).any() or (thetas < 0).any() or (thetas > 1).any():
        raise ValueError(f"theta must lie in [0, 1], got {theta!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_lik = heads * np.log(thetas) + tails * np.log(1 - thetas)
    return float(log_lik) if log_lik.ndim == 0 else log_lik
