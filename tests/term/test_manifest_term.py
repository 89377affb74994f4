"""course.toml's [term] and [[assignments]]: what they mean, and every mistake named."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mapcourse.manifest import ManifestError, parse_manifest

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "course.toml").read_text()
BASE = TEXT[:TEXT.index("\n[term]\n") + 1]


def course(tail: str):
    return parse_manifest(ROOT, BASE + tail)


def test_the_courses_assignments_cover_every_stage_once():
    parsed = parse_manifest(ROOT, TEXT)
    held = [stage for assignment in parsed.assignments for stage in assignment.stages]
    assert sorted(held) == sorted(stage.id for stage in parsed.stages)
    for assignment in parsed.assignments:
        assert assignment.release < assignment.due <= assignment.late.last_day


def test_dates_are_read_in_the_terms_time_zone_and_a_bare_date_is_due_at_its_end():
    parsed = course('[term]\ntimezone = "America/New_York"\n\n[[assignments]]\nid = "a1"\n'
                    'stages = ["stage2_map_table", "stage1_mle_coin"]\n'
                    'due = 2027-01-25\nrelease = 2027-01-11T09:00:00\n')
    assignment = parsed.assignment("a1")
    assert assignment.stages == ("stage1_mle_coin", "stage2_map_table")  # course order
    assert assignment.due == datetime(2027, 1, 26, 4, 59, 59, tzinfo=timezone.utc)
    assert assignment.release.utcoffset() == -timedelta(hours=5)
    assert assignment.title == "a1" and assignment.late.penalty == 0


@pytest.mark.parametrize(("tail", "message"), [
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\n', "due"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage9"]\ndue = 2027-01-25\n', "'stage9' is none"),
    ('[[assignments]]\nid = "a 1"\nstages = ["stage1_mle_coin"]\ndue = 2027-01-25\n',
     "without spaces"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\ndue = 2027-01-25\n'
     'late_penalty = 10\n', "between 0 and 1"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\ndue = 2027-01-25\n'
     'late_penalty = "10%"\n', "late_penalty"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\ndue = 2027-01-25\n'
     'last_day = 2027-01-20\n', "before it is due"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\ndue = 2027-01-25\n'
     'release = 2027-02-01\n', "before its release"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\ndue = "Monday"\n', "due"),
    ('[[assignments]]\nid = "a1"\nstages = ["stage1_mle_coin"]\ndue = 2027-01-25\nlate = 1\n',
     "late"),
    ('[term]\ntimezone = "Mars/Olympus"\n', "Mars/Olympus"),
])
def test_each_mistake_is_named(tail, message):
    with pytest.raises(ManifestError, match=message):
        course(tail)
