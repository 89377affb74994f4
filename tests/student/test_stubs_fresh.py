"""The stubs students get are the ones the solutions generate."""

from mapcourse.stubs import stale_stubs


def test_exercises_are_not_stale_against_the_solutions(course):
    stale = [path.name for path in stale_stubs(course)]
    assert stale == [], (f"exercises/ differs from what solutions/ generates ({', '.join(stale)}):"
                         " run `mapcourse stubs` and commit the result")
