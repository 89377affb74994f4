def posterior_mean(a, b, heads, tails):
    a_post, b_post = beta_posterior(a, b, heads, tails)
    return (a_post - 1) / (a_post + b_post - 2)
