def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    step = 1 / np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    for _ in range(max_iter):
        new_w = soft_threshold(w + step * X.T @ (y - X @ w), step * lam)
        if np.abs(new_w - w).max() <= tol:
            return new_w
        w = new_w
    return w
