"""Stubs come from the solutions: regions become NotImplementedError with their hint."""

import pytest

from mapcourse.stubs import StubError, stub_source

SOLUTION = '''"""Doc."""


def mle(heads, tails) -> float:
    """The MLE: heads / (heads + tails)."""
    ### BEGIN SOLUTION
    # Hint: the fraction of heads.
    return heads / (heads + tails)
    ### END SOLUTION


class Given:
    pass
'''


def test_a_region_becomes_not_implemented_with_its_hint():
    stub = stub_source(SOLUTION)
    assert "raise NotImplementedError('mle: the fraction of heads.')" in stub
    assert "return heads / (heads + tails)" not in stub and "BEGIN SOLUTION" not in stub
    assert '"""The MLE: heads / (heads + tails)."""' in stub and "class Given:" in stub
    compile(stub, "stub", "exec")


def test_a_region_without_hint_still_says_what_to_write():
    stub = stub_source(SOLUTION.replace("    # Hint: the fraction of heads.\n", ""))
    assert "raise NotImplementedError('mle: write this function')" in stub


@pytest.mark.parametrize("broken", [
    SOLUTION.replace("    ### END SOLUTION\n", ""),
    SOLUTION.replace("    ### BEGIN SOLUTION\n", ""),
    SOLUTION.replace("    ### END SOLUTION\n", "    ### BEGIN SOLUTION\n"),
], ids=["never closed", "end without begin", "nested"])
def test_unbalanced_markers_are_refused(broken):
    with pytest.raises(StubError):
        stub_source(broken)
