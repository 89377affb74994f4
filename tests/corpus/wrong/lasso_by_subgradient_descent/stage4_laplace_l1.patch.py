def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    step = 1.0 / np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    for _ in range(max_iter):
        gradient = -X.T @ (y - X @ w) + lam * np.sign(w)
        w = w - step * gradient
    return w
