def beta_map(a, b, heads, tails):
    a_post, b_post = beta_posterior(a, b, heads, tails)
    if a_post > 1 and b_post > 1:
        return (a_post - 1) / (a_post + b_post - 2)
    raise ValueError(f"a' = {a_post}, b' = {b_post}: no interior mode")
