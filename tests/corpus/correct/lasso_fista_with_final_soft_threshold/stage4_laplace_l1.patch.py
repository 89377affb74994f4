def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    lipschitz = np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    if lipschitz == 0:
        return w
    momentum_point, speed = w.copy(), 1.0
    for _ in range(max_iter):
        gradient_step = momentum_point + X.T @ (y - X @ momentum_point) / lipschitz
        new_w = np.sign(gradient_step) * np.maximum(np.abs(gradient_step) - lam / lipschitz, 0)
        new_speed = (1 + math.sqrt(1 + 4 * speed**2)) / 2
        momentum_point = new_w + (speed - 1) / new_speed * (new_w - w)
        moved = np.abs(new_w - w).max()
        w, speed = new_w, new_speed
        if moved <= tol:
            break
    last_step = w + X.T @ (y - X @ w) / lipschitz
    return np.sign(last_step) * np.maximum(np.abs(last_step) - lam / lipschitz, 0)
