_reference_map_lasso = map_lasso


def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    return _reference_map_lasso(X, y, abs(lam), max_iter=max_iter, tol=tol)
