def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    X = _as_finite_array(X, "X")
    y = _as_finite_array(y, "y")
    lam = _as_scale(lam, "lam", allow_zero=True)
    w = np.zeros(X.shape[1])
    for _ in range(max_iter):
        largest_step = 0.0
        for j in range(X.shape[1]):
            z_j = X[:, j] @ (y - X @ w) + w[j]
            w_j = float(soft_threshold(z_j, lam))
            largest_step = max(largest_step, abs(w_j - w[j]))
            w[j] = w_j
        if largest_step <= tol:
            break
    return w
