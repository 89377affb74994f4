def weight_decay_for_prior(prior_precision, noise_var, n):
    return 2 * noise_var * prior_precision / n
