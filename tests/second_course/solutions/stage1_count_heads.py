"""Stage 1: counting heads.

`flips` is a record of coin flips: a string of the letters H (heads) and T (tails), such as
"HTTH". Any other character raises ValueError naming `flips`.
"""

VALID = frozenset("HT")


def count_heads(flips: str) -> int:
    """The number of H in `flips`, as an int.

    Raises ValueError naming `flips` when it holds a character other than H and T.
    """
    ### BEGIN SOLUTION
    # Hint: check every character is H or T, then count the H.
    unknown = set(flips) - VALID
    if unknown:
        raise ValueError(f"flips may hold only H and T, not {sorted(unknown)!r}")
    return flips.count("H")
    ### END SOLUTION
