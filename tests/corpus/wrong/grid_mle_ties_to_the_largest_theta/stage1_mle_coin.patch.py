def grid_mle(heads, tails, grid_size=1001) -> float:
    if not isinstance(grid_size, int | np.integer) or grid_size < 2:
        raise ValueError(f"grid_size must be a whole number of at least 2, got {grid_size!r}")
    grid = np.linspace(0.0, 1.0, int(grid_size))
    log_lik = log_likelihood(grid, heads, tails)
    return float(grid[len(grid) - 1 - np.argmax(log_lik[::-1])])
