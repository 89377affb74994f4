"""The site's structure: a page per stage, navigation in the source's order, no typed numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from mapcourse.manifest import load_course
from mapcourse.site.decay import OPTIMIZERS, DecayResults, Trajectories
from mapcourse.site.nav import course_nav, mkdocs_nav
from mapcourse.site.nav import nav_pages as site_nav_pages
from mapcourse.site.pipeline import page_fragments, training_fragments
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
    textbook = [page for page in nav_section("Textbook") if page != REFERENCES]
    assert textbook == list(SOURCE_SECTIONS.values())


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
