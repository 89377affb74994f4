"""Visible tests, stage 1: counting heads (run `pytest` here)."""

import pytest
from stage1_count_heads import count_heads

from mapcourse.checks import expect_equal


@pytest.mark.parametrize(("flips", "expected"), [("HTTH", 2), ("", 0), ("TTT", 0), ("H", 1)],
                         ids=["two of four", "no flips", "tails only", "one head"])
def test_heads_are_counted(flips, expected):
    expect_equal(count_heads(flips), expected, call=f"count_heads({flips!r})",
                 concept="Count the H of the record, as an int.")


@pytest.mark.parametrize("flips", ["HxT", "h"], ids=["a stray letter", "lower case"])
def test_a_record_holds_only_h_and_t(refuses, flips):
    refuses(count_heads, flips, names="flips", concept="A record holds H and T only.")
