"""Stage 2: the share of heads.

`flips` is a record of coin flips: a string of the letters H and T. Any other character, or
an empty record, raises ValueError naming `flips`. The share is a Python float.
"""


def share_of_heads(flips: str) -> float:
    """The number of heads over the number of flips, as a Python float.

    Raises ValueError naming `flips` when it is empty or holds a character other than H and T.
    """
    ### BEGIN SOLUTION
    # Hint: no flips or stray letters are refused; then divide.
    if not flips:
        raise ValueError("flips is empty: no flips have no share of heads")
    if set(flips) - {"H", "T"}:
        raise ValueError(f"flips may hold only H and T, got {flips!r}")
    return flips.count("H") / len(flips)
    ### END SOLUTION
