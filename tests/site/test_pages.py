"""The site's structure: a page per stage, navigation in the source's order, no typed numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from mapcourse.manifest import load_course
from mapcourse.site import fragments, regression
from mapcourse.site.decay import OPTIMIZERS, DecayResults, Trajectories
from mapcourse.site.nav import course_nav, mkdocs_nav
from mapcourse.site.nav import nav_pages as site_nav_pages
from mapcourse.site.pipeline import page_fragments
from mapcourse.site.textbook import training_fragments
from tests.site.conftest import ROOT

DOCS = ROOT / "docs"

# The source's sections, in its order, and the page that mirrors each. The source ends its
# summary with the PyTorch listing; the textbook gives that listing its own page, between
# the Laplace page and the summary, in the order of the course's stages.
SOURCE_SECTIONS = {
    "MLE's Blind Spot": "mle-blind-spot.md",
    "MAP via Bayes' Theorem": "map-bayes.md",
    "Worked Example: Coin Flip with Prior": "discrete-prior-table.md",
    "Gaussian Prior → L2 Regularization": "gaussian-prior-l2.md",
    "Laplace Prior → L1 Regularization": "laplace-prior-l1.md",
    "the PyTorch listing (weight_decay, map_loss_l1)": "weight-decay-pytorch.md",
    "Summary: MLE vs MAP vs Bayesian Inference": "summary-full-bayes.md",
}

INCLUDE = re.compile(r'^--8<-- "([^"]+)"$', re.MULTILINE)


def site_nav() -> list:
    """The site's navigation: mkdocs.yml's, with the stage sections the hook fills from
    course.toml."""
    return course_nav(load_course(ROOT), mkdocs_nav(ROOT / "mkdocs.yml"))


def nav_section(title: str) -> list[str]:
    for entry in site_nav():
        if isinstance(entry, dict) and title in entry:
            return entry[title]
    raise AssertionError(f"the site's nav has no section {title!r}")


def nav_pages() -> list[str]:
    return site_nav_pages(site_nav())


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


REFERENCES = "references.md"


def test_textbook_nav_mirrors_the_sources_order():
    # a stage added after the source's may bring its own page; the source's keep their order
    textbook = [page for page in nav_section("Textbook") if page in SOURCE_SECTIONS.values()]
    assert textbook == list(SOURCE_SECTIONS.values())
    assert nav_section("Textbook")[-1] == REFERENCES


def test_the_bibliography_is_in_the_textbook():
    assert REFERENCES in nav_section("Textbook")


def test_concept_pages_follow_the_manifests_order(course):
    textbook = nav_section("Textbook")
    positions = [textbook.index(stage.concept) for stage in course.stages]
    assert positions == sorted(positions)


def test_stage_nav_is_the_manifests_order(course):
    assert nav_section("Stages") == ["stages/index.md", *(stage.page for stage in course.stages)]


def test_every_stage_has_its_student_page_and_concept_page(course):
    for stage in course.stages:
        assert (DOCS / stage.page).is_file(), f"{stage.id} has no page docs/{stage.page}"
        assert (DOCS / stage.concept).is_file(), f"{stage.id} has no concept docs/{stage.concept}"


def test_every_page_is_in_the_nav():
    assert sorted(nav_pages()) == sorted(p.relative_to(DOCS).as_posix() for p in markdown_pages())


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_page_says_where_its_exercise_lives(page: Path):
    text = page.read_text()
    included = INCLUDE.findall(text)
    assert "exercises/" in text or any(
        name.startswith(("exercise/", "stage/", "course/")) for name in included
    )


def test_every_included_fragment_is_generated(course):
    still = np.zeros((101, 2))
    runs = {name: still for name in OPTIMIZERS}
    fake_training = DecayResults(
        trajectories=Trajectories(runs, runs, np.zeros(2)), gaps={}, weight_decays=[]
    )
    generated = page_fragments(course) | training_fragments(fake_training)
    for page in markdown_pages():
        for name in INCLUDE.findall(page.read_text()):
            assert name in generated, f"{page.name} includes {name}, which nothing generates"


@pytest.mark.parametrize("number", ["0.046451", "0.47093", "0.52907", "0.65872", "0.024576"])
def test_pages_never_type_a_computed_number(number: str):
    for page in markdown_pages():
        assert number not in page.read_text(), f"{page.name} types {number}; include it instead"


def test_theme_fetches_nothing_from_outside():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["theme"]["font"] is False
    assets = config["extra_css"] + config["extra_javascript"]
    assert not [asset for asset in assets if "//" in asset]
    assert (ROOT / config["hooks"][0]).is_file()


# The slips readers found, each checked so that it cannot come back.


@pytest.fixture(scope="module")
def generated(course) -> dict[str, str]:
    """Every fragment but the trained ones, computed once."""
    return page_fragments(course)


def reader_pages(generated) -> dict[str, str]:
    """The textbook and stage pages a student reads, and every fragment they include."""
    pages = {
        page: (DOCS / page).read_text()
        for page in [*nav_section("Textbook"), *nav_section("Stages")]
    }
    return pages | generated


def test_ridge_is_said_to_shrink_the_norm_not_every_weight(course, generated):
    laplace = (DOCS / "laplace-prior-l1.md").read_text()
    for page in markdown_pages():
        text = " ".join(page.read_text().split())
        assert not re.search(r"shrinks (all \w+|every) weights?", text), page.name
    assert '--8<-- "laplace/ridge-growth.md"' in laplace
    paths = regression.paths(course)
    growing = fragments.growing_weights(paths.ridge)
    assert growing, "the path figure's data no longer has a ridge weight that grows"
    sentence = generated["laplace/ridge-growth.md"]
    assert all(f"$w_{j}$" in sentence for j in growing) and "norm" in sentence


def test_one_notation_for_probabilities(generated):
    """P for every probability and density: no lower-case p( in maths or figure labels."""
    lower = re.compile(r"(?<![A-Za-z\\_])p\(")
    for name, text in reader_pages(generated).items():
        assert not lower.search(text), f"{name} writes p(...); the course writes P(...)"


def test_points_are_counted_as_autograded_plus_written(course, generated):
    written = sum(stage.derivation_points for stage in course.stages if stage.derivation)
    assert written, "the course has no written derivations any more: this test has no object"
    total = f"{course.max_score} autograded + {written} written"
    texts = generated
    assert total in texts["course/stages.md"] and total in texts["course/stage-list.md"]
    for stage in course.stages:
        box = texts[f"exercise/{stage.id}.md"]
        assert (f"+ {stage.derivation_points} written" in box) == bool(stage.derivation)
    for page in markdown_pages():
        assert not re.search(rf"\b{course.max_score} points\b", page.read_text()), page.name


def test_a_reading_page_is_followed_by_the_page_with_its_exercise(course):
    textbook = nav_section("Textbook")
    readings = [(page, stage) for stage in course.stages for page in stage.reading]
    assert readings, "no stage has a reading page: this test has no object"
    for page, stage in readings:
        assert textbook[textbook.index(page) + 1] == stage.concept
        assert f"[next page]({stage.concept})" in fragments.reading_note(course, stage)


def test_each_exercise_box_is_on_one_page(course):
    for stage in course.stages:
        include = f'--8<-- "exercise/{stage.id}.md"'
        pages = [page.name for page in markdown_pages() if include in page.read_text()]
        assert pages == [Path(stage.concept).name], f"{stage.id}'s box is on {pages}"


def test_the_gaussian_constant_has_the_tables_sign(course, generated):
    """The sentence before the check table names the constant the table's last column shows."""
    page = (DOCS / "gaussian-prior-l2.md").read_text()
    before = page.split('--8<-- "gaussian/check.md"')[0].strip().split("\n\n")[-1]
    constant = r"\frac{d}{2}\log\frac{2\pi}{\lambda}"
    assert constant in before and constant in generated["gaussian/check.md"]
    check = regression.gaussian_check(course)
    d = check.theta.size
    assert check.constant == pytest.approx(d / 2 * np.log(2 * np.pi / check.lam))


def test_the_weight_decay_page_names_each_line_and_adamws_drift():
    page = " ".join((DOCS / "weight-decay-pytorch.md").read_text().split())
    assert "The dotted lines are the MAP weights" not in page
    for line in ("thick pale lines", "dashed black lines", "dotted lines"):
        assert line in page
    assert "the dashed line is **Adam** with the L2 term" in page
    assert '--8<-- "decay/adamw-drift.md"' in page
    assert "settles at a different point" not in page


def test_adamws_drift_is_measured_from_its_run():
    moving = np.linspace(0, 1, 101)[:, None] * np.ones((1, 2))
    assert "moved by 0.1" in fragments.adamw_drift(moving)
    assert "not settled by step 100" in fragments.adamw_drift(moving)


def test_the_mle_sentence_says_what_it_means():
    assert "repeats it with full confidence" not in (DOCS / "mle-blind-spot.md").read_text()


CITATION = re.compile(r"\]\(references\.md#([\w-]+)\)")


def test_every_reference_is_cited_and_every_citation_has_its_reference():
    anchors = set(re.findall(r"^## .* \{ #([\w-]+) \}$", (DOCS / REFERENCES).read_text(), re.M))
    cited = {anchor for page in markdown_pages() for anchor in CITATION.findall(page.read_text())}
    assert anchors == cited
    assert {
        "tibshirani-1996",
        "hoerl-kennard-1970",
        "loshchilov-hutter-2019",
        "murphy-2022",
    } <= anchors


@pytest.mark.parametrize(
    ("page", "anchor"),
    [
        ("laplace-prior-l1.md", "tibshirani-1996"),
        ("gaussian-prior-l2.md", "hoerl-kennard-1970"),
        ("weight-decay-pytorch.md", "loshchilov-hutter-2019"),
    ],
)
def test_each_idea_cites_its_paper_where_it_appears(page, anchor):
    assert anchor in CITATION.findall((DOCS / page).read_text())
