import scipy.linalg  # noqa: E402


def map_ridge(X, y, noise_var, lam):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    for name, value in (("noise_var", noise_var), ("lam", lam)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be positive and finite, got {value}")
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"shapes of X {X.shape} and y {y.shape} do not match")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must be finite")
    gram = X @ X.T + noise_var * lam * np.eye(X.shape[0])
    return X.T @ scipy.linalg.solve(gram, y, assume_a="pos")
