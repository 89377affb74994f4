"""Pass rates across runs: a run's report shows each test group's share passed in the runs
before it, following each run's `previous` back, and reads those runs without writing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mapcourse.grading.results import GradeReport
from mapcourse.report import build, history, saved
from tests.report.conftest import graded_stage, make_class


def keep_run(folder: Path, report: GradeReport, folders: dict, previous: Path | None) -> None:
    folder.mkdir(parents=True)
    (folder / "class.json").write_text(saved.to_json(report, folders))
    (folder / "run.json").write_text(json.dumps({
        "started": "2027-02-10T09:00:00+00:00",
        "previous": str(previous) if previous else None}))


def everyone_passes(course) -> GradeReport:
    report = make_class(course)
    whole = tuple(type(s)(s.id, tuple(graded_stage(stage) for stage in course.stages),
                          s.max_score) for s in report.submissions)
    return GradeReport(report.max_score, whole, report.sandbox, report.level)


def test_counts_are_the_reports_own(small_class, course):
    counts = history.group_counts(small_class)
    one = course.stages[0].id
    # bo and cy fail stage 1's second group; di's stage 1 did not import: not counted.
    assert counts[one, f"{one} second group"] == (2, 3)
    assert counts[one, f"{one} first group"] == (0, 3)


def test_the_report_shows_each_failed_group_in_every_earlier_run(tmp_path, small_class,
                                                                   class_folders, course):
    first, second = tmp_path / "grades", tmp_path / "grades.2"
    keep_run(first, small_class, class_folders, None)
    keep_run(second, everyone_passes(course), class_folders, first)
    before = {path: path.read_bytes() for path in first.rglob("*")}
    third = tmp_path / "grades.3"
    third.mkdir()
    build.rewrite(third, saved.SavedClass(small_class, class_folders), course,
                  previous=second)
    assert {path: path.read_bytes() for path in first.rglob("*")} == before
    page = (third / "report.html").read_text()
    across = page[page.index('id="across"'):page.index('id="problems"')]
    one = course.stages[0]
    row = re.search(rf"1\. {one.id} second group</td>(.*?)</tr>", across, re.S)
    assert row, across
    # this run, then grades.2 (everyone passed), then grades (as this run).
    assert re.findall(r"(\d+) of (\d+)", row.group(1)) == [("1", "3"), ("4", "4"), ("1", "3")]
    assert '<a href="../grades.2/report.html">grades.2</a>' in across
    assert '<a href="../grades/report.html">grades</a>' in across
    assert f"{one.id} first group" not in across  # passed by everyone in every run


def test_a_chain_that_loops_or_breaks_ends_without_failing(tmp_path, small_class,
                                                          class_folders):
    first, second = tmp_path / "grades", tmp_path / "grades.2"
    keep_run(first, small_class, class_folders, second)  # a record pointing forward
    keep_run(second, small_class, class_folders, first)
    found = history.earlier_runs(tmp_path / "new", second)
    assert [run.name for run in found] == ["grades.2", "grades"]
    assert history.earlier_runs(tmp_path / "new", tmp_path / "gone") == []


def test_without_an_earlier_run_there_is_no_such_section(tmp_path, small_class,
                                                         class_folders, course):
    build.rewrite(tmp_path, saved.SavedClass(small_class, class_folders), course)
    assert 'id="across"' not in (tmp_path / "report.html").read_text()
