def map_ridge(X, y, noise_var, lam) -> np.ndarray:
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must be (n, d) and y (n,), got X {X.shape} and y {y.shape}")
    return np.linalg.lstsq(X.T @ X + noise_var * lam * np.eye(X.shape[1]), X.T @ y, rcond=None)[0]
