def weight_decay_for_prior(prior_precision, noise_var, n):
    if prior_precision <= 0 or noise_var <= 0 or n < 1:
        raise ValueError("prior_precision, noise_var and n must be positive")
    return 2 * noise_var * prior_precision
