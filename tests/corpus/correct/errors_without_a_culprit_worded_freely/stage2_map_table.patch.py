_reference_posterior_table = posterior_table


def posterior_table(thetas, prior, heads, tails):
    try:
        return _reference_posterior_table(thetas, prior, heads, tails)
    except ValueError as error:
        if "impossible" in str(error):
            raise ValueError("no candidate can explain these flips") from None
        raise
