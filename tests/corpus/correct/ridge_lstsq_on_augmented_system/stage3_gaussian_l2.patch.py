def map_ridge(X, y, noise_var, lam):
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    noise_var, lam = _as_positive(noise_var, "noise_var"), _as_positive(lam, "lam")
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"X has shape {X.shape} but y has shape {y.shape}")
    d = X.shape[1]
    augmented_X = np.vstack([X, math.sqrt(noise_var * lam) * np.eye(d)])
    augmented_y = np.concatenate([y, np.zeros(d)])
    return np.linalg.lstsq(augmented_X, augmented_y, rcond=None)[0]
