def posterior_mean(a, b, heads, tails):
    beta_posterior(a, b, heads, tails)
    return heads / (heads + tails)
