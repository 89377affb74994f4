def map_ridge(X, y, noise_var, lam) -> np.ndarray:
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    noise_var = _as_positive(noise_var, "noise_var")
    lam = _as_positive(lam, "lam")
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must be (n, d) and y (n,), got X {X.shape} and y {y.shape}")
    return np.linalg.pinv(X.T @ X) @ X.T @ y
