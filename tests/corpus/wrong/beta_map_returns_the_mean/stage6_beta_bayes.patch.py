def beta_map(a, b, heads, tails):
    a_post, b_post = beta_posterior(a, b, heads, tails)
    return a_post / (a_post + b_post)
