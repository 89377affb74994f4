"""Hidden suite, stage 2: the share of heads (10 points)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapcourse.checks import expect_close, expect_float, expect_raises

records = st.text(alphabet="HT", min_size=1, max_size=40)


@pytest.mark.points(6)
@settings(max_examples=20)
@given(flips=records)
def test_share_of_heads_is_the_count_over_the_length(student, flips):
    call = f"share_of_heads({flips!r})"
    got = expect_float(student.share_of_heads(flips), call=call, concept="The share is a float.")
    expect_close(got, flips.count("H") / len(flips), call=call,
                 concept="The share of heads is the count of H over the number of flips.")


@pytest.mark.points(4)
@pytest.mark.parametrize("flips", ["", "HHx", "t"], ids=["empty", "a stray letter", "lower case"])
def test_share_of_heads_refuses_a_record_without_a_share(student, flips):
    expect_raises(ValueError, lambda: student.share_of_heads(flips),
                  call=f"share_of_heads({flips!r})", names="flips",
                  concept="No flips have no share, and a record holds H and T only.")
