"""Shared by hugo's stage files."""


def fraction(part, whole):
    """part / whole as a float."""
    return float(part) / float(whole)
