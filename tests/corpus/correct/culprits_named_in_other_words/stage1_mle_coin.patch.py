_reference_as_count = _as_count
_reference_log_likelihood = log_likelihood
_reference_grid_mle = grid_mle


def _as_count(value, name):
    try:
        return _reference_as_count(value, name)
    except ValueError:
        raise ValueError(f"{name.capitalize()} must count flips: {value!r} is not a whole "
                         "number >= 0") from None


def log_likelihood(theta, heads, tails):
    thetas = np.asarray(theta, dtype=float)
    if not ((thetas >= 0) & (thetas <= 1)).all():
        raise ValueError(f"`theta`={theta!r} is not a probability")
    return _reference_log_likelihood(theta, heads, tails)


def grid_mle(heads, tails, grid_size=1001):
    if not isinstance(grid_size, int) or grid_size < 2:
        raise ValueError(f"{grid_size} point(s) is too few for grid_size: a grid needs two ends")
    return _reference_grid_mle(heads, tails, grid_size)
