def l1_penalty(theta, lam):
    theta = np.asarray(theta, dtype=float)
    return float(lam * np.sum(theta**2))
