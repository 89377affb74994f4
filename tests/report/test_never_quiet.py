"""The report never fails quietly and stays bounded: missing packages stop `grade --out`
before grading, with the install command; a class whose folders moved is "nothing
compared"; a copy of the reference solution is flagged; a class that shares its code
gets clusters and a bounded number of pairs, each on a page of its own."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.shared_class import make_class
from mapcourse.report import build, page, saved
from mapcourse.report.similarity import REFERENCE, find_similar

ROOT = Path(__file__).resolve().parents[2]
WITHOUT_JINJA = ("import sys; sys.modules['jinja2'] = None; from mapcourse.cli import main; "
                 "raise SystemExit(main(sys.argv[1:]))")


def test_grade_out_without_the_report_packages_fails_before_grading(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", WITHOUT_JINJA, "grade",
                             "examples/sample-class", "--out", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "report.html needs jinja2" in result.stderr and "pip install" in result.stderr
    assert not (out / "grades.csv").exists()


def test_a_class_whose_folders_moved_is_nothing_compared(tmp_path, small_class, class_folders,
                                                         course):
    out = tmp_path / "out"
    out.mkdir()
    (out / saved.CLASS_FILE).write_text(saved.to_json(small_class, class_folders))
    shutil.move(tmp_path / "class", tmp_path / "elsewhere")
    notes = build.rewrite(out, saved.load(out), course)
    assert any("nothing compared" in note and "no longer exist" in note for note in notes)
    html = (out / page.REPORT_FILE).read_text()
    assert "Nothing compared." in html and "pairs alike" not in html


def test_students_who_hand_in_the_reference_are_flagged(course):
    folders = {path.name: path for path in sorted((ROOT / "examples" / "sample-class").iterdir())
               if path.is_dir()}
    found = find_similar(folders, course)
    flagged = {match.first: {stage.stage.number for stage in match.stages}
               for match in found.reference}
    assert all(match.second == REFERENCE for match in found.reference)
    assert sum(3 in stages for stages in flagged.values()) >= 2
    assert not found.pairs  # alike only through the reference: no pair of students


@pytest.mark.slow
def test_a_class_sharing_its_code_gets_clusters_and_a_bounded_list_of_pairs(tmp_path, course):
    class_dir = make_class(tmp_path / "class", 20, "shared")
    folders = {path.name: path for path in sorted(class_dir.iterdir())}
    found = find_similar(folders, course, shown=5)
    assert found.pair_count >= 16 * 15 // 2 and len(found.pairs) == 5
    assert len(found.clusters[0].members) == 16
    assert sum(pair.shown for pair in found.reference) <= 5
    pages = page.pair_pages(found)
    assert len(pages) == 5  # a match of the reference gets no page: it would show the solution
    assert not any("reference" in path for path in pages)
    html = page.render(_full_marks(course, folders), course, found)
    assert len(html) < 400_000
    for path in pages:
        if "reference" not in path:
            assert f'href="{path}"' in html


def _full_marks(course, folders):
    from mapcourse.grading.results import GradeReport, StageResult, SubmissionResult, TestResult

    return GradeReport(course.max_score, tuple(SubmissionResult(name, tuple(
        StageResult(stage.id, stage.points, "graded",
                    (TestResult("all", stage.points, stage.points, "passed"),))
        for stage in course.stages), course.max_score) for name in folders), "bench", "none")
