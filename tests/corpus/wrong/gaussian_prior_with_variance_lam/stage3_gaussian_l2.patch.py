def gaussian_log_prior(theta, lam) -> float:
    theta = _as_finite_array(theta, "theta")
    lam = _as_positive(lam, "lam")
    return float(-np.sum(theta**2) / (2 * lam) - (theta.size / 2) * math.log(2 * math.pi * lam))
