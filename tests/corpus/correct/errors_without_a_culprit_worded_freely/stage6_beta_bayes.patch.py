def beta_map(a, b, heads, tails):
    a_post, b_post = beta_posterior(a, b, heads, tails)
    if a_post == b_post == 1:
        raise ValueError("no unique mode")
    if a_post < 1 and b_post < 1:
        raise ValueError("bimodal posterior")
    if a_post <= 1 or b_post <= 1:
        return 0.0 if a_post <= b_post else 1.0
    return (a_post - 1) / (a_post + b_post - 2)
