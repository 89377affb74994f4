"""The late policy as arithmetic: days late, the penalty and its cap, the last day, the words."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mapcourse.manifest import load_course
from mapcourse.term.policy import Assignment, Lateness, LatePolicy
from mapcourse.term.standing import Term
from mapcourse.term.times import Handed

DUE = datetime(2027, 2, 8, 23, 59, tzinfo=timezone.utc)
POLICY = LatePolicy(penalty=0.1, cap=0.5, last_day=DUE + timedelta(days=7))


def late(after: timedelta | None, *, due: datetime = DUE, extended: bool = False,
         policy: LatePolicy = POLICY) -> Lateness:
    return Lateness(None if after is None else due + after, "times CSV", due, extended, policy)


@pytest.mark.parametrize(("after", "days"), [
    (timedelta(0), 0), (-timedelta(hours=5), 0), (timedelta(seconds=1), 1),
    (timedelta(hours=23, minutes=59), 1), (timedelta(days=1), 1),
    (timedelta(days=1, seconds=1), 2), (timedelta(days=6, hours=1), 7)])
def test_a_part_of_a_day_counts_as_a_day(after, days):
    assert late(after).days == days


@pytest.mark.parametrize(("days", "fraction"), [(0, 0), (1, 0.1), (2, 0.2), (5, 0.5), (7, 0.5)])
def test_the_penalty_grows_per_day_up_to_its_cap(days, fraction):
    lateness = late(timedelta(days=days))
    assert lateness.days == days and lateness.accepted
    assert lateness.fraction == pytest.approx(fraction)
    assert lateness.apply(48) == pytest.approx(48 * (1 - fraction))


def test_after_the_last_day_work_is_not_accepted_and_scores_nothing():
    lateness = late(timedelta(days=7, minutes=1))
    assert not lateness.accepted and lateness.fraction == 1 and lateness.apply(60) == 0
    assert lateness.status == "not accepted"
    assert "not accepted" in lateness.words(60, 60)


def test_an_extension_moves_the_last_day_with_the_due_date():
    assignment = Assignment("a2", "A2", ("stage3_gaussian_l2",), DUE, late=POLICY)
    course = load_course()
    extended = DUE + timedelta(days=10)  # past the last day, a week after DUE
    term = Term(course, assignment, {"chloe": Handed(extended + timedelta(days=6), "times CSV"),
                                     "ben": Handed(DUE + timedelta(days=8), "times CSV")},
                extensions={("chloe", "a2"): extended})
    chloe, ben = term.lateness("chloe"), term.lateness("ben")
    assert chloe.extended and chloe.due == extended and chloe.days == 6 and chloe.accepted
    assert chloe.fraction == pytest.approx(0.5)
    assert not ben.accepted and ben.fraction == 1


def test_the_student_reads_the_penalty_in_words():
    words = late(timedelta(days=1, hours=10)).words(48, 60)
    assert words.startswith("2 days late: −20%, 48/60 → 38.4/60")
    assert "due 2027-02-08 23:59 UTC" in words
    assert late(timedelta(hours=-1)).words(48, 60).startswith("On time")


def test_no_time_is_named_never_silently_on_time():
    lateness = late(None)
    assert lateness.status == "no time" and lateness.fraction == 0
    assert "No submission time was found" in lateness.words(10, 10)


def test_without_a_policy_late_work_keeps_its_points():
    lateness = late(timedelta(days=3), policy=LatePolicy())
    assert lateness.days == 3 and lateness.fraction == 0 and lateness.status == "late"
    assert "without penalty" in lateness.words(10, 10)


def test_the_policy_describes_itself():
    assert POLICY.describe() == ("−10% per day late (or part of a day), at most −50%, "
                                 "not accepted after 2027-02-15 23:59 UTC")
    assert LatePolicy().describe() == "late work is accepted without penalty"
