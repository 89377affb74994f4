"""`mapcourse hint STAGE`: one more hint each time, then the textbook page."""

from __future__ import annotations

import pytest

from tests.student.conftest import TEXTBOOK, mapcourse


@pytest.fixture
def stage(course):
    return course.stage("2")


def test_each_request_shows_one_more_hint_then_says_it_was_the_last(release, stage):
    for shown in range(1, len(stage.hints) + 1):
        done = mapcourse(release, "hint", "2")
        assert done.returncode == 0
        assert f"hint {shown} of {len(stage.hints)}" in done.stdout
        text = " ".join(done.stdout.split())
        assert all(" ".join(hint.split()) in text for hint in stage.hints[:shown])
        assert all(" ".join(hint.split()) not in text for hint in stage.hints[shown:])
    again = mapcourse(release, "hint", "stage2_map_table")
    assert f"hint {len(stage.hints)} of {len(stage.hints)}" in again.stdout
    assert "That was the last hint." in again.stdout


def test_a_hint_points_to_the_textbook_page(release, stage):
    done = mapcourse(release, "hint", "2")
    assert f"{TEXTBOOK}/stages/stage2_map_table/" in done.stdout
    assert "`mapcourse hint 2`" in done.stdout


def test_stages_count_their_hints_apart_and_reset_starts_again(release):
    mapcourse(release, "hint", "2")
    mapcourse(release, "hint", "2")
    assert "hint 1 of" in mapcourse(release, "hint", "1").stdout
    assert mapcourse(release, "hint", "2", "--reset").returncode == 0
    assert "hint 1 of" in mapcourse(release, "hint", "2").stdout


def test_hints_shown_stay_out_of_git(release):
    mapcourse(release, "hint", "1")
    assert (release / ".mapcourse" / "hints.json").is_file()
    assert ".mapcourse/hints.json" in (release / ".gitignore").read_text().splitlines()


@pytest.mark.parametrize("key", ["9", "stage7", "mle"])
def test_an_unknown_stage_is_one_line_naming_the_stages(release, key):
    done = mapcourse(release, "hint", key)
    assert done.returncode == 2
    assert done.stderr.startswith(f"mapcourse hint: no stage {key!r}; the stages are stage1")
    assert done.stderr.count("\n") == 1
