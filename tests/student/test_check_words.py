"""`mapcourse check`'s summary and last words say what was checked: one stage is named as
one stage, and the hand-in command adds the written derivations where the course has them."""

from __future__ import annotations

from mapcourse.cli.check import _summary, next_step
from mapcourse.manifest import load_course
from mapcourse.progress import PASSED, StageProgress
from tests.authoring.conftest import ROOT, copy_course


def test_one_stage_checked_is_named_as_one(tmp_path):
    course = load_course(ROOT)
    one = [StageProgress(course.stages[2], PASSED)]
    assert _summary(course, one) == f"{course.title}: stage 3 passes"
    assert next_step(course, one)[0] == "Stage 3 passes its visible tests. Commit and push " \
                                        "to hand in:"
    both = [StageProgress(stage, PASSED) for stage in course.stages[:2]]
    assert _summary(course, both) == f"{course.title}: 2 of 2 stages pass"
    assert next_step(course, both)[0].startswith("Every stage here passes")


def test_the_hand_in_command_adds_derivations_only_where_they_are(tmp_path):
    bare = load_course(copy_course(tmp_path / "bare", ("course.toml", "pyproject.toml",
                                                        "solutions", "exercises", "docs")))
    done = [StageProgress(stage, PASSED) for stage in bare.stages]
    assert next_step(bare, done)[1] == "  git add exercises && git commit -m 'My solutions' " \
                                       "&& git push"
    (bare.root / "derivations").mkdir()
    assert "git add exercises derivations && git commit" in next_step(bare, done)[1]
