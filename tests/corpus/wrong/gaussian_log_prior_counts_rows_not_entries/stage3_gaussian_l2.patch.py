def gaussian_log_prior(theta, lam) -> float:
    theta = _as_finite_array(theta, "theta")
    lam = _as_positive(lam, "lam")
    d = len(theta) if theta.ndim else 1
    return float(-(lam / 2) * np.sum(theta**2) + (d / 2) * math.log(lam / (2 * math.pi)))
