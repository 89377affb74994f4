"""Generate everything the textbook includes, then build it with mkdocs.

generate(root) writes, under the course root:
- docs/assets/vendor/katex/  KaTeX from node_modules (npm ci when it is missing),
- docs/assets/figures/*.svg  figures drawn from the reference solutions,
- build/textbook/**.md       fragments the pages include with `--8<--`: manifest facts
                             (stage titles, files, hints) and computed numbers.
None of these is committed. The mkdocs hook calls generate() before every build; a builder
that runs no hooks runs `python -m mapcourse.site generate` first.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mapcourse.manifest import Course, find_root, load_course
from mapcourse.site import coin, fragments, regression
from mapcourse.site.katex import vendor_katex
from mapcourse.site.output import write_if_changed


def figures_dir(root: Path) -> Path:
    return root / "docs" / "assets" / "figures"


def fragments_dir(root: Path) -> Path:
    return root / "build" / "textbook"


def generate(root: Path | None = None) -> list[Path]:
    """Write KaTeX, the figures and the fragments for the course at root; the files that changed."""
    course = load_course(root or find_root())
    written = vendor_katex(course.root, course.root / "docs")
    written += write_figures(course, figures_dir(course.root))
    written += write_fragments(course, fragments_dir(course.root))
    return written


def page_fragments(course: Course) -> dict[str, str]:
    """Fragment path (under build/textbook/) -> Markdown, for every fragment a page includes."""
    worked = coin.worked_example(course)
    paths = regression.paths(course)
    texts = {
        "course/stages.md": fragments.stages_table(course),
        "course/stage-list.md": fragments.stage_list(course, depth=1),
        "coin/blind-spot.md": fragments.blind_spot_numbers(coin.blind_spot(course)),
        "coin/worked-table.md": fragments.worked_table(worked),
        "coin/worked-results.md": fragments.worked_results(worked),
        "coin/worked-correction.md": fragments.worked_correction(worked),
        "coin/beta.md": fragments.beta_results(coin.beta_example(course)),
        "gaussian/check.md": fragments.gaussian_check_table(regression.gaussian_check(course)),
        "laplace/check.md": fragments.laplace_check_table(regression.laplace_check(course)),
        "laplace/sparsity.md": fragments.sparsity_table(
            regression.sparsity(course), paths.lam_max, regression.TRUE_WEIGHTS,
            regression.toy_regression()[0].shape[0],
        ),
    }
    texts.update(decay_fragments(course))
    for stage in course.stages:
        texts[f"exercise/{stage.id}.md"] = fragments.exercise_box(course, stage)
        texts[f"stage/{stage.id}/header.md"] = fragments.stage_header(course, stage)
        texts[f"stage/{stage.id}/hints.md"] = fragments.stage_hints(stage)
    return texts


def decay_fragments(course: Course) -> dict[str, str]:
    """The weight-decay numbers (stage 5, trained with torch)."""
    from mapcourse.site import decay

    return {
        "decay/gaps.md": fragments.gaps_table(decay.gaps(course), decay.LAM),
        "decay/weight-decays.md": fragments.weight_decay_table(decay.weight_decays(course)),
    }


def write_fragments(course: Course, target: Path) -> list[Path]:
    """Write every fragment under target and delete fragments no page can include any more."""
    texts = page_fragments(course)
    written = [
        target / name for name, text in texts.items()
        if write_if_changed(target / name, text.encode())
    ]
    for stale in target.rglob("*.md"):
        if stale.relative_to(target).as_posix() not in texts:
            stale.unlink()
    return written


def write_figures(course: Course, target: Path) -> list[Path]:
    """Draw every figure as SVG under target from the reference solutions' output."""
    from mapcourse.site import decay, figures_coin, figures_penalties

    drawings = {
        "likelihood.svg": lambda path: figures_coin.likelihood_figure(
            [coin.blind_spot(course), coin.blind_spot(course, heads=4, tails=1)], path
        ),
        "discrete-posterior.svg": lambda path: figures_coin.discrete_posterior_figure(
            coin.worked_example(course), path
        ),
        "beta-posterior.svg": lambda path: figures_coin.beta_figure(
            coin.beta_example(course), path
        ),
        "priors.svg": lambda path: figures_penalties.priors_figure(
            regression.prior_curves(course), path
        ),
        "l1-l2-geometry.svg": lambda path: figures_penalties.geometry_figure(
            regression.geometry(course), path
        ),
        "paths.svg": lambda path: figures_penalties.paths_figure(regression.paths(course), path),
        "weight-decay.svg": lambda path: figures_penalties.weight_decay_figure(
            decay.trajectories(course), path
        ),
    }
    return [target / name for name, draw in drawings.items() if draw(target / name)]


def build(root: Path | None = None, site_dir: Path | None = None, strict: bool = True) -> int:
    """`mkdocs build` of the course at root (its hook runs generate()); mkdocs' exit status."""
    root = (root or find_root()).resolve()
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(root / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    if site_dir is not None:
        command += ["--site-dir", str(Path(site_dir).resolve())]
    return subprocess.run(command, cwd=root).returncode
