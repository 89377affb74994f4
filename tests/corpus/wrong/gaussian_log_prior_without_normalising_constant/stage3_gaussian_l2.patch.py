def gaussian_log_prior(theta, lam) -> float:
    theta = _as_finite_array(theta, "theta")
    lam = _as_positive(lam, "lam")
    return float(-(lam / 2) * np.sum(theta**2))
