_array_log_likelihood = log_likelihood


def log_likelihood(theta, heads, tails):
    result = _array_log_likelihood(theta, heads, tails)
    return result.tolist() if isinstance(result, np.ndarray) else result
