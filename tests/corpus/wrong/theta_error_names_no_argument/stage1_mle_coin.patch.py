_reference_log_likelihood = log_likelihood


def log_likelihood(theta, heads, tails):
    thetas = np.asarray(theta, dtype=float)
    if not ((thetas >= 0) & (thetas <= 1)).all():
        raise ValueError("not a probability")
    return _reference_log_likelihood(theta, heads, tails)
