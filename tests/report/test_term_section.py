"""The report of an assignment: its rules, how many came in late, and only the exceptions."""

from __future__ import annotations

import re

from mapcourse.report import build, saved
from tests.report.test_gradebooks import standings_of


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_report_names_the_assignment_and_lists_only_who_was_not_on_time(
        tmp_path, small_class, class_folders, course):
    standings = standings_of(small_class, course)
    build.rewrite(tmp_path, saved.SavedClass(small_class, class_folders, "a1", standings),
                  course)
    page = text_of((tmp_path / "report.html").read_text())
    start = page.index("Assignment 1")
    section = page[start:page.index("Scores", start)]
    assert "due 2027-01-25 23:59 UTC" in section and "−10% per day late" in section
    assert f"1 late, {len(standings) - 1} on time" in section
    rows = re.findall(r"(\w+) (late|on time|not accepted|no time) \d+ ", section)
    assert [row[0] for row in rows] == ["bo"]  # the others were on time: not listed


def test_a_report_without_a_term_has_no_such_section(tmp_path, small_class, class_folders,
                                                     course):
    build.rewrite(tmp_path, saved.SavedClass(small_class, class_folders, None, {}), course)
    assert 'id="term"' not in (tmp_path / "report.html").read_text()
