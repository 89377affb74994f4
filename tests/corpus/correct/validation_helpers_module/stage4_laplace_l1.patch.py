from checks_helpers import non_negative, positive, vector


def laplace_log_prior(theta, b):
    theta, b = vector(theta), positive(b, "b")
    return float(-np.abs(theta).sum() / b - theta.size * np.log(2 * b))


def soft_threshold(z, t):
    t = non_negative(t, "t")
    z = np.asarray(z, dtype=np.float64)
    return np.where(np.abs(z) <= t, 0.0, z - np.copysign(t, z))
