def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    lam = _as_scale(lam, "lam", allow_zero=True)
    eps = 1e-12
    step = 1.0 / (np.linalg.norm(X, 2) ** 2 + lam / np.sqrt(eps))
    w = np.zeros(X.shape[1])
    for _ in range(max_iter):
        gradient = -X.T @ (y - X @ w) + lam * w / np.sqrt(w**2 + eps)
        w = w - step * gradient
    return w
