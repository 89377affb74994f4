def beta_map(a, b, heads, tails):
    a_post, b_post = beta_posterior(a, b, heads, tails)
    if a_post > 1 and b_post > 1:
        return (a_post - 1) / (a_post + b_post - 2)
    if a_post == 1 and b_post == 1:
        raise ValueError("a' = b' = 1: every theta is a mode")
    if a_post < 1 and b_post < 1:
        raise ValueError(f"a' = {a_post} and b' = {b_post} are both below 1")
    return 0.0 if a_post > b_post else 1.0
