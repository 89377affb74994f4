def soft_threshold(z, t):
    z = np.asarray(z, dtype=float)
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t}")
    return z - t * np.sign(z)
