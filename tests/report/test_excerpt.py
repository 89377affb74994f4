"""The side-by-side view of two alike files: the matching regions, a few lines around."""

from mapcourse.report.similarity import CONTEXT, excerpt


def test_long_unmatched_runs_are_cut_to_the_lines_around_the_matches():
    before = "".join(f"given {n}\n" for n in range(40))
    after = "".join(f"other {n}\n" for n in range(40))
    pieces = ((before + "x = ", False), ("copied()\n", True), (after, False))
    cut = excerpt(pieces)
    assert [kind for _, kind in cut] == [None, False, True, False, None]
    assert cut[0][0] == f"\u22ee {40 - CONTEXT} lines\n"
    assert cut[1][0].splitlines() == [f"given {n}" for n in range(40 - CONTEXT, 40)] + ["x = "]
    assert cut[2] == ("copied()\n", True)
    assert len(cut[3][0].splitlines()) == CONTEXT + 1


def test_short_files_are_shown_whole():
    pieces = (("a = 1\n", False), ("b = a\n", True), ("c = b\n", False))
    assert excerpt(pieces) == pieces
