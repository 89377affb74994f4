def _log_likelihood_one(theta, heads, tails):
    if not 0.0 <= theta <= 1.0:
        raise ValueError(f"theta must lie in [0, 1], got {theta!r}")
    total = 0.0
    if heads:
        total += heads * math.log(theta) if theta > 0 else -math.inf
    if tails:
        total += tails * math.log1p(-theta) if theta < 1 else -math.inf
    return total


def log_likelihood(theta, heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if isinstance(theta, int | float | np.integer | np.floating):
        return _log_likelihood_one(float(theta), heads, tails)
    shape = np.shape(theta)
    flat = [_log_likelihood_one(float(value), heads, tails)
            for value in np.asarray(theta, dtype=float).ravel().tolist()]
    return np.array(flat, dtype=float).reshape(shape)


def mle(heads, tails):
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if heads + tails == 0:
        raise ValueError("no flips: heads + tails is 0")
    return heads / (heads + tails)


def grid_mle(heads, tails, grid_size=1001):
    if not isinstance(grid_size, int | np.integer) or grid_size < 2:
        raise ValueError(f"grid_size must be at least 2, got {grid_size!r}")
    best_theta, best = 0.0, -math.inf
    for index in range(grid_size):
        theta = index / (grid_size - 1)
        value = _log_likelihood_one(theta, _as_count(heads, "heads"), _as_count(tails, "tails"))
        if value > best:
            best_theta, best = theta, value
    return best_theta
