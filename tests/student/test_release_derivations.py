"""The release names the written derivations (course.toml's `derivation` and
`derivation_points`), their points beside the autograded ones, and how to hand them in."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapcourse.manifest import Course
from tests.student.conftest import release_cli


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("derivations") / "student-repo"
    done = release_cli(str(target))
    assert done.returncode == 0, done.stderr
    return target


def words(text: str) -> str:
    """Text with its line breaks and indentation undone, to find a wrapped sentence."""
    return " ".join(text.split())


def written_stages(course: Course) -> list:
    stages = [stage for stage in course.stages if stage.derivation]
    assert stages, "course.toml asks for no derivation"
    return stages


def test_readme_gives_each_derivations_question_points_and_file(released, course: Course):
    readme = words((released / "README.md").read_text())
    for stage in written_stages(course):
        assert words(stage.derivation) in readme, stage.id
        assert (f"Stage {stage.number}, {stage.title} ({stage.derivation_points} points), in "
                f"`derivations/{stage.id}.md`") in readme


def test_readme_counts_autograded_and_written_points_apart(released, course: Course):
    written = sum(stage.derivation_points for stage in written_stages(course))
    readme = (released / "README.md").read_text()
    assert (f"{course.max_score + written} points: {course.max_score} autograded + "
            f"{written} written") in readme
    for stage in course.stages:
        points = (f"{stage.points} + {stage.derivation_points} written" if stage.derivation
                  else f"{stage.points}")
        assert f"| {stage.title} | {points} |" in readme, stage.id


def test_each_derivation_has_a_file_with_its_question_and_room_for_the_answer(released,
                                                                            course: Course):
    files = sorted(path.name for path in (released / "derivations").iterdir())
    assert files == sorted(f"{stage.id}.md" for stage in written_stages(course))
    for stage in written_stages(course):
        text = (released / "derivations" / f"{stage.id}.md").read_text()
        assert words(stage.derivation) in words(text)
        assert f"{stage.derivation_points} points, graded by hand" in text
        assert f"derivations/{stage.id}.pdf" in text
        assert text.rstrip().endswith("## Your derivation")


def test_readme_says_to_commit_the_derivations_with_the_code(released):
    readme = (released / "README.md").read_text()
    assert "git add exercises derivations && git commit" in readme
    assert "\n- `derivations/`: a file for each written derivation" in readme
