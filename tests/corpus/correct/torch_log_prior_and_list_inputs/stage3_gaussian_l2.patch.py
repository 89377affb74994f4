import torch  # noqa: E402


def _entries(theta):
    entries = [float(value) for value in np.ravel(np.asarray(theta, dtype=float))]
    if not all(math.isfinite(value) for value in entries):
        raise ValueError(f"theta holds a non-finite value: {theta!r}")
    return entries


def gaussian_log_prior(theta, lam):
    if not (math.isfinite(lam) and lam > 0):
        raise ValueError(f"lam must be > 0 and finite, got {lam!r}")
    values = torch.tensor(_entries(theta), dtype=torch.float64)
    return torch.distributions.Normal(0.0, lam**-0.5).log_prob(values).sum().item()


def l2_penalty(theta, lam):
    if not (math.isfinite(lam) and lam > 0):
        raise ValueError(f"lam must be > 0 and finite, got {lam!r}")
    total = 0.0
    for value in _entries(theta):
        total += value * value
    return lam / 2 * total
