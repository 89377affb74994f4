_reference_map_lasso = map_lasso


def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    return _reference_map_lasso(X, y, 2 * lam, max_iter=max_iter, tol=tol)
