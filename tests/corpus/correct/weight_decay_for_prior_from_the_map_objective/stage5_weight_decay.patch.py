def weight_decay_for_prior(prior_precision, noise_var, n):
    for name, value in (("prior_precision", prior_precision), ("noise_var", noise_var), ("n", n)):
        if not isinstance(value, int | float):
            raise TypeError(f"{name} must be a number")
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value}")
    likelihood_weight = n / (2 * noise_var)
    return prior_precision / likelihood_weight
