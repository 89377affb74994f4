"""Hidden suite, stage 1: counting heads (10 points)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapcourse.checks import expect_equal, expect_raises

records = st.text(alphabet="HT", max_size=40)


@pytest.mark.points(6)
@settings(max_examples=20)
@given(flips=records)
def test_count_heads_counts_every_h(student, flips):
    expect_equal(student.count_heads(flips), flips.count("H"), call=f"count_heads({flips!r})",
                 concept="Count the H of the record, as an int.")


@pytest.mark.points(4)
@pytest.mark.parametrize("flips", ["HTX", " ", "ht", "H T"],
                         ids=["a stray letter", "a space", "lower case", "a space inside"])
def test_count_heads_refuses_other_characters(student, flips):
    expect_raises(ValueError, lambda: student.count_heads(flips),
                  call=f"count_heads({flips!r})", names="flips",
                  concept="A record holds H and T only: raise ValueError naming flips.")
