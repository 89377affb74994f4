_reference_as_positive = _as_positive
_reference_as_finite_array = _as_finite_array


def _as_positive(value, name):
    try:
        return _reference_as_positive(value, name)
    except ValueError:
        raise ValueError(f"{name.capitalize()} is a precision or a variance: {value!r} is not "
                         "a finite positive number") from None


def _as_finite_array(value, name):
    try:
        return _reference_as_finite_array(value, name)
    except ValueError:
        raise ValueError(f"{name}: found nan or infinity in {value!r}") from None
