"""When a submission was handed in: a times CSV, Gradescope, nbgrader, Git, or no time."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from mapcourse.term.times import TimesError, handed_in, parse_moment, read_times

UTC = timezone.utc


@pytest.mark.parametrize(("text", "expected"), [
    ("2027-01-20T10:00:00Z", datetime(2027, 1, 20, 10, tzinfo=UTC)),
    ("2027-01-20T11:00:00+01:00", datetime(2027, 1, 20, 10, tzinfo=UTC)),
    ("2027-01-20 10:00:00.250000 UTC", datetime(2027, 1, 20, 10, 0, 0, 250000, tzinfo=UTC)),
    ("2027-01-20 11:00:00.000000 Europe/Paris", datetime(2027, 1, 20, 10, tzinfo=UTC)),
])
def test_moments_are_read_in_every_form_the_platforms_write(text, expected):
    assert parse_moment(text) == expected


def test_a_moment_without_an_offset_is_read_in_the_terms_time_zone():
    paris = ZoneInfo("Europe/Paris")
    assert parse_moment("2027-01-20 11:00", paris) == datetime(2027, 1, 20, 10, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "2027-01-20 10:00 Mars/Olympus", ""])
def test_what_is_not_a_moment_is_refused(text):
    with pytest.raises(ValueError):
        parse_moment(text)


def test_a_times_csv_names_the_line_it_cannot_read(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text("id,submitted\nada,2027-01-20T10:00:00Z\nben,soon\n")
    with pytest.raises(TimesError, match=r"line 3: submitted = 'soon'"):
        read_times(path)
    path.write_text("student,when\nada,2027-01-20T10:00:00Z\n")
    with pytest.raises(TimesError, match="needs the columns id and submitted"):
        read_times(path)


def test_the_time_comes_from_where_the_platform_left_it(tmp_path):
    gradescope, nbgrader, nothing = (tmp_path / name for name in ("gs", "nb", "none"))
    for folder in (gradescope, nbgrader, nothing):
        folder.mkdir()
    (gradescope / "submission_metadata.json").write_text(
        json.dumps({"created_at": "2027-01-20T10:00:00.123456-08:00", "users": []}))
    (nbgrader / "stage3_gaussian_l2").mkdir()
    (nbgrader / "stage3_gaussian_l2" / "timestamp.txt").write_text(
        "2027-01-21 09:30:00.000000 UTC")
    found = handed_in(gradescope, "gs")
    assert (found.submitted, found.source) == (datetime(2027, 1, 20, 18, 0, 0, 123456,
                                                        tzinfo=UTC), "Gradescope")
    found = handed_in(nbgrader, "nb")
    assert (found.submitted, found.source) == (datetime(2027, 1, 21, 9, 30, tzinfo=UTC),
                                               "nbgrader")
    assert handed_in(nothing, "none").submitted is None
    given = {"gs": datetime(2027, 1, 1, tzinfo=UTC)}
    assert handed_in(gradescope, "gs", given).source == "times CSV"  # the CSV wins


def test_a_git_repository_is_handed_in_at_its_last_commit(tmp_path):
    repository = tmp_path / "ada"
    repository.mkdir()
    (repository / "stage1_mle_coin.py").write_text("x = 1\n")
    moment = datetime(2027, 1, 24, 22, 15, tzinfo=UTC)
    environment = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.org",
                   "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.org",
                   "GIT_COMMITTER_DATE": moment.isoformat(), "GIT_AUTHOR_DATE":
                   (moment - timedelta(days=3)).isoformat()}
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "stage 1"]):
        subprocess.run(["git", "-C", str(repository), *command], check=True, env=environment)
    found = handed_in(repository, "ada")
    assert (found.submitted, found.source) == (moment, "git")
