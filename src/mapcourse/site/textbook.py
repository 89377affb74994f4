"""This course's computed textbook: the numbers, tables and figures its pages include.

course.toml registers it (`[site] content = "mapcourse.site.textbook"`); `pipeline.generate`
calls it beside the fragments every course gets from its manifest (stage headers, hints,
exercise boxes, the stage table). A course without `[site] content` has none of these.

A content module offers:

- `page_fragments(course)`: fragment path (under build/textbook/) -> Markdown;
- `training(root)`: a context manager yielding a function that waits for the slow runs
  started in the background and returns their results (here the weight-decay runs, torch);
- `training_fragments(results)`: the fragments computed from those results;
- `write_figures(course, target, training)`: draw the figures under target, return those written.
"""

from __future__ import annotations

import functools
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mapcourse.manifest import Course
from mapcourse.site import coin, fragments, regression

PACKAGE_DIR = Path(__file__).resolve().parent


def page_fragments(course: Course) -> dict[str, str]:
    """Fragment path -> Markdown, for all but the trained fragments."""
    worked = coin.worked_example(course)
    X, _ = regression.toy_regression()
    texts = {
        "coin/blind-spot.md": fragments.blind_spot_numbers(coin.blind_spot(course)),
        "coin/worked-table.md": fragments.worked_table(worked),
        "coin/worked-results.md": fragments.worked_results(worked),
        "coin/worked-correction.md": fragments.worked_correction(worked),
        "coin/beta.md": fragments.beta_results(coin.beta_example(course)),
        "gaussian/check.md": fragments.gaussian_check_table(regression.gaussian_check(course)),
        "laplace/check.md": fragments.laplace_check_table(regression.laplace_check(course)),
        "laplace/ridge-growth.md": fragments.ridge_growth(regression.paths(course).ridge),
        "laplace/sparsity.md": fragments.sparsity_table(
            regression.sparsity(course),
            regression.paths(course).lam_max,
            regression.TRUE_WEIGHTS,
            X.shape[0],
        ),
    }
    from mapcourse.site.figures import figure_fragments  # matplotlib, only when drawing

    texts |= figure_fragments()
    return texts


def training_fragments(results) -> dict[str, str]:
    """The weight-decay fragments, from decay.DecayResults."""
    return {
        "decay/gaps.md": fragments.gaps_table(results.gaps, results.lam),
        "decay/weight-decays.md": fragments.weight_decay_table(results.weight_decays),
        "decay/adamw-drift.md": fragments.adamw_drift(results.trajectories.weight_decay["adamw"]),
    }


@contextmanager
def training(root: Path) -> Iterator[Callable]:
    """Start the weight-decay runs (stage 5, torch) in another Python; yield a function that
    waits for them and returns their decay.DecayResults."""
    src = str(PACKAGE_DIR.parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.getenv("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "mapcourse.site.decay", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )

    @functools.cache
    def results():
        output, errors = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"the weight-decay runs failed:\n{errors.decode()}")
        return pickle.loads(output)

    try:
        yield results
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def write_figures(course: Course, target: Path, training: Callable) -> list[Path]:
    """Draw every figure as SVG under target from the reference solutions' output."""
    from mapcourse.site import figures

    return figures.write_figures(course, target, training)
