"""Similar submissions: a copy with its names and comments changed is flagged; honest
submissions written from the same reference solutions are not."""

import re
from pathlib import Path

import pytest

from mapcourse.report.similarity import find_similar
from tests.corpus import build, cases

pytestmark = pytest.mark.slow  # fingerprinting some thirty submissions takes seconds

ROOT = Path(__file__).resolve().parents[2]
RENAMED = {"_log_likelihood_one": "_one_term", "total": "acc", "best_theta": "winner",
           "best": "top", "flat": "vals", "shape": "dims", "value": "v", "index": "k"}
COPIED = "correct-loops_instead_of_numpy"


def disguise(source: Path, target: Path) -> None:
    """Copy a submission with its variables renamed and its comments rewritten."""
    target.mkdir()
    for path in source.glob("*.py"):
        text = path.read_text()
        for old, new in RENAMED.items():
            text = re.sub(rf"(?<!\.)\b{old}\b", new, text)  # names, not attributes
        text = re.sub(r"#.*", "# worked this out on my own", text)
        (target / path.name).write_text(text)


@pytest.fixture(scope="module")
def honest_and_copied(tmp_path_factory) -> dict[str, Path]:
    """The sample class, the corpus's correct cases, and a disguised copy of one of them."""
    folder = tmp_path_factory.mktemp("similar")
    folders = {path.name: path for path in sorted((ROOT / "examples" / "sample-class").iterdir())
               if path.is_dir()}
    for case in cases("correct"):
        folders[case.id] = build(case, folder)
    disguise(folders[COPIED], folder / "copycat")
    folders["copycat"] = folder / "copycat"
    return folders


@pytest.fixture(scope="module")
def found(honest_and_copied, course):
    return find_similar(honest_and_copied, course)


def test_a_copy_with_renamed_variables_and_new_comments_is_flagged(found):
    assert [(pair.first, pair.second) for pair in found.pairs] == [("copycat", COPIED)]
    pair = found.pairs[0]
    assert [match.stage.number for match in pair.stages] == [1, 2]
    assert pair.share > 0.9


def test_honest_submissions_are_not_flagged(found, honest_and_copied):
    n = len(honest_and_copied)
    assert found.compared == n * (n - 1) // 2
    flagged = {name for pair in found.pairs for name in (pair.first, pair.second)}
    assert flagged == {"copycat", COPIED}


def test_the_matching_regions_are_marked_on_both_sides(found, honest_and_copied):
    match = found.pairs[0].stages[0]
    copied = "".join(text for text, matched in match.left if matched)
    original = "".join(text for text, matched in match.right if matched)
    assert "_one_term" in copied and "_log_likelihood_one" in original
    assert "".join(text for text, _ in match.right) == \
        (honest_and_copied[COPIED] / match.stage.filename).read_text()
    assert len(copied) > 200


def test_a_higher_threshold_flags_fewer_pairs(honest_and_copied, course):
    three = {name: honest_and_copied[name] for name in ("copycat", COPIED, "iris")}
    strict = find_similar(three, course, threshold=1.0)
    loose = find_similar(three, course, threshold=0.3)
    assert len(strict.pairs) <= 1 <= len(loose.pairs)
    assert {(p.first, p.second) for p in strict.pairs} <= {(p.first, p.second)
                                                          for p in loose.pairs}


def test_a_submission_moved_since_grading_is_named_not_compared(honest_and_copied, course,
                                                                 tmp_path):
    folders = {"ada": honest_and_copied["ada"], "gone": tmp_path / "gone"}
    result = find_similar(folders, course)
    assert result.missing == ("gone",) and result.compared == 0 and not result.pairs
