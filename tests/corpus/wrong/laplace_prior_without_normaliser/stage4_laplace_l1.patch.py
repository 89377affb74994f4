def laplace_log_prior(theta, b):
    theta = np.asarray(theta, dtype=float)
    return float(-np.sum(np.abs(theta)) / b)
