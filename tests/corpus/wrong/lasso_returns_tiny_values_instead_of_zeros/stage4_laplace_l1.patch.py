_reference_map_lasso = map_lasso


def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    w = _reference_map_lasso(X, y, lam, max_iter=max_iter, tol=tol)
    return np.where(w == 0, 1e-12, w)
