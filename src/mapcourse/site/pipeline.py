"""Generate everything the textbook includes, then build it with mkdocs.

generate(root) writes, under the course root:
- docs/assets/vendor/katex/  KaTeX from node_modules (npm ci when it is missing),
- docs/assets/figures/*.svg  figures drawn from the reference solutions,
- build/textbook/**.md       fragments the pages include with `--8<--`: manifest facts
                             (stage titles, files, hints) and computed numbers,
- build/textbook/nav.yml     the site's navigation, the stage sections from course.toml.
- docs/assets/notebooks/     a notebook per concept page (see mapcourse.site.notebooks).
None of these is committed. The mkdocs hook calls generate() before every build; a builder
that runs no hooks runs `python -m mapcourse.site generate` first. The torch training runs
in a second Python process, beside the drawing; when no input changed since the last run (see
inputs_digest), nothing is recomputed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mapcourse.files import write_atomic
from mapcourse.manifest import Course, find_root, load_course
from mapcourse.site import coin, fragments, regression
from mapcourse.site.katex import vendor_katex
from mapcourse.site.nav import nav_data
from mapcourse.site.notebooks import write_notebooks

PACKAGE_DIR = Path(__file__).resolve().parent


def figures_dir(root: Path) -> Path:
    return root / "docs" / "assets" / "figures"


def fragments_dir(root: Path) -> Path:
    return root / "build" / "textbook"


def stamp_path(root: Path) -> Path:
    return fragments_dir(root) / ".inputs.json"


def generate(root: Path | None = None, *, force: bool = False) -> list[Path]:
    """Write KaTeX, the figures and the fragments for the course at root; the files that changed.

    Skips all work when the inputs digest matches the last run and every output exists,
    unless `force`.
    """
    load_course.cache_clear()  # `mkdocs serve` calls this again after course.toml changes
    course = load_course((root or find_root()).resolve())
    written = write_nav(course)
    digest = inputs_digest(course)
    if not force and _up_to_date(course.root, digest):
        return written + write_notebooks(course, fragments_dir(course.root), digest)
    with training_in_background(course.root) as training:
        written += vendor_katex(course.root, course.root / "docs")
        written += write_figures(course, figures_dir(course.root), training)
        written += write_fragments(course, fragments_dir(course.root), training)
    written += write_notebooks(course, fragments_dir(course.root), digest)
    outputs = [p for p in (course.root / "docs" / "assets").rglob("*") if p.is_file()]
    outputs += [p for p in fragments_dir(course.root).rglob("*.md")]
    stamp = {"digest": digest, "outputs": sorted(str(p.relative_to(course.root)) for p in outputs)}
    write_atomic(stamp_path(course.root), json.dumps(stamp, indent=1).encode())
    return written


def write_nav(course: Course) -> list[Path]:
    """Write build/textbook/nav.yml, the site's navigation as data (see mapcourse.site.nav)."""
    config_file = course.root / "mkdocs.yml"
    if not config_file.is_file():
        return []
    path = fragments_dir(course.root) / "nav.yml"
    return [path] if write_atomic(path, nav_data(course, config_file).encode()) else []


def inputs_digest(course: Course) -> str:
    """SHA-256 over everything the generated files depend on: manifest, solutions, this package."""
    root = course.root
    inputs = [root / "course.toml", root / "package-lock.json", PACKAGE_DIR.parent / "manifest.py"]
    inputs += sorted(course.solutions_dir.glob("*.py")) + sorted(PACKAGE_DIR.glob("*.py"))
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def _up_to_date(root: Path, digest: str) -> bool:
    """True when the last run had this digest and all its outputs are still there."""
    try:
        stamp = json.loads(stamp_path(root).read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("digest") == digest and all((root / p).is_file() for p in stamp["outputs"])


@contextmanager
def training_in_background(root: Path) -> Iterator[Callable]:
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


def page_fragments(course: Course) -> dict[str, str]:
    """Fragment path (under build/textbook/) -> Markdown, for all but the trained fragments."""
    worked = coin.worked_example(course)
    X, _ = regression.toy_regression()
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
    for stage in course.stages:
        texts[f"exercise/{stage.id}.md"] = fragments.exercise_box(course, stage)
        texts[f"stage/{stage.id}/header.md"] = fragments.stage_header(course, stage)
        texts[f"stage/{stage.id}/hints.md"] = fragments.stage_hints(stage)
        for page in stage.reading:
            texts[f"exercise/reading/{page}"] = fragments.reading_note(course, stage)
    return texts


def training_fragments(results) -> dict[str, str]:
    """The weight-decay fragments, from decay.DecayResults."""
    return {
        "decay/gaps.md": fragments.gaps_table(results.gaps, results.lam),
        "decay/weight-decays.md": fragments.weight_decay_table(results.weight_decays),
        "decay/adamw-drift.md": fragments.adamw_drift(results.trajectories.weight_decay["adamw"]),
    }


def write_fragments(course: Course, target: Path, training: Callable) -> list[Path]:
    """Write every fragment under target and delete fragments no page can include any more."""
    texts = page_fragments(course) | training_fragments(training())
    written = [
        target / name
        for name, text in texts.items()
        if write_atomic(target / name, text.encode())
    ]
    for stale in target.rglob("*.md"):
        if stale.relative_to(target).as_posix() not in texts:
            stale.unlink()
    return written


def write_figures(course: Course, target: Path, training: Callable) -> list[Path]:
    """Draw every figure as SVG under target from the reference solutions' output."""
    from mapcourse.site import figures

    return figures.write_figures(course, target, training)


def build(root: Path | None = None, site_dir: Path | None = None, strict: bool = True) -> int:
    """`mkdocs build` of the course at root (its hook runs generate()); mkdocs' exit status."""
    root = (root or find_root()).resolve()
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(root / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    if site_dir is not None:
        command += ["--site-dir", str(Path(site_dir).resolve())]
    return subprocess.run(command, cwd=root).returncode
