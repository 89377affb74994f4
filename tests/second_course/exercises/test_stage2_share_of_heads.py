"""Visible tests, stage 2: the share of heads (run `pytest` here)."""

import pytest
from stage2_share_of_heads import share_of_heads

from mapcourse.checks import expect_close, expect_float


@pytest.mark.parametrize(("flips", "expected"), [("HTTH", 0.5), ("HHHT", 0.75), ("T", 0.0)],
                         ids=["half", "three of four", "a single tail"])
def test_the_share_is_heads_over_flips(flips, expected):
    call = f"share_of_heads({flips!r})"
    expect_close(expect_float(share_of_heads(flips), call=call), expected, call=call,
                 concept="The share of heads is the count of H over the length of the record.")


@pytest.mark.parametrize("flips", ["", "HTX"], ids=["no flips", "a stray letter"])
def test_records_without_a_share_are_refused(refuses, flips):
    refuses(share_of_heads, flips, names="flips",
            concept="No flips have no share, and a record holds H and T only.")
