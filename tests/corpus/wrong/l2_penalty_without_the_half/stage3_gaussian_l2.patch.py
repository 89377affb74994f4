def l2_penalty(theta, lam) -> float:
    theta = _as_finite_array(theta, "theta")
    lam = _as_positive(lam, "lam")
    return float(lam * np.sum(theta**2))
