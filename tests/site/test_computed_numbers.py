"""The numbers on the pages are the reference solutions' output, computed when the site builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapcourse.manifest import load_course
from mapcourse.site import coin, fragments, regression
from mapcourse.site.pipeline import inputs_digest, page_fragments

WORKED_NUMBERS = {
    "likelihood of theta = 0.5": "0.03125",
    "likelihood of theta = 0.8": "0.08192",
    "product for theta = 0.5": "0.021875",
    "product for theta = 0.8": "0.024576",
    "evidence": "0.046451",
    "posterior of theta = 0.5": "0.47093",
    "posterior of theta = 0.8": "0.52907",
    "posterior mean": "0.65872",
}


@pytest.fixture(scope="module")
def worked_text(course) -> str:
    example = coin.worked_example(course)
    return fragments.worked_table(example) + fragments.worked_results(example)


@pytest.mark.parametrize("number", WORKED_NUMBERS.values(), ids=WORKED_NUMBERS.keys())
def test_worked_table_shows_the_sources_numbers(worked_text, number):
    assert number in worked_text


def test_worked_example_map_is_the_mle_and_the_mean_moves(course):
    example = coin.worked_example(course)
    assert example.map == example.mle == 0.8
    assert example.posterior_mean == pytest.approx(0.65872, abs=5e-6)
    correction = fragments.worked_correction(example)
    assert "**also 0.8**" in correction and "0.65872" in correction


def test_three_heads_give_mle_one_and_beta_map_four_fifths(course):
    example = coin.beta_example(course)
    assert (example.mle, example.map) == (1.0, 0.8)
    assert example.flat_map == example.mle
    assert "| 1 | 0.8 |" in fragments.beta_results(example)


def test_negative_log_priors_are_the_penalties_plus_constants(course):
    gaussian = regression.gaussian_check(course)
    laplace = regression.laplace_check(course)
    assert -gaussian.log_prior == pytest.approx(gaussian.penalty + gaussian.constant)
    assert -laplace.log_prior == pytest.approx(laplace.penalty + laplace.constant)


def test_lasso_has_exact_zeros_where_ridge_has_none(course):
    rows = regression.sparsity(course)
    assert all(ridge_zeros == 0 for _, ridge_zeros, _ in rows)
    assert rows[-1][2] == regression.TRUE_WEIGHTS.size


def test_page_numbers_follow_the_reference_code(course_copy: Path):
    stage2 = course_copy / "solutions" / "stage2_map_table.py"
    stage2.write_text(
        stage2.read_text()
        + "\n\ndef posterior_mean(thetas, prior, heads, tails):\n    return 0.123456\n"
    )
    example = coin.worked_example(load_course(course_copy))
    assert example.posterior_mean == 0.123456
    assert "0.12346" in fragments.worked_results(example)


def test_stage_pages_take_titles_and_hints_from_the_manifest(course_copy: Path):
    manifest = course_copy / "course.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'title = "Maximum likelihood for a coin"', 'title = "Counting heads"'
        )
    )
    texts = page_fragments(load_course(course_copy))
    assert texts["stage/stage1_mle_coin/header.md"].startswith("# Stage 1: Counting heads\n")
    assert "Counting heads" in texts["course/stages.md"]
    assert r"heads\*log(theta)" in texts["stage/stage1_mle_coin/hints.md"]


def test_every_stage_says_where_its_exercise_lives(course):
    texts = page_fragments(course)
    for stage in course.stages:
        assert f"`exercises/{stage.id}.py`" in texts[f"exercise/{stage.id}.md"]
        assert f"`exercises/test_{stage.id}.py`" in texts[f"stage/{stage.id}/header.md"]


def test_build_recomputes_when_a_reference_solution_changes(course_copy: Path):
    before = inputs_digest(load_course(course_copy))
    stage4 = course_copy / "solutions" / "stage4_laplace_l1.py"
    stage4.write_text(stage4.read_text() + "\n# changed\n")
    assert inputs_digest(load_course(course_copy)) != before
