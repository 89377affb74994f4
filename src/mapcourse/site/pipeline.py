"""Generate everything the textbook includes, then build it with mkdocs.

generate(root) writes, under the course root:
- docs/assets/vendor/katex/  KaTeX from node_modules (npm ci when it is missing),
- docs/assets/figures/*.svg  figures drawn from the reference solutions,
- build/textbook/**.md       fragments the pages include with `--8<--`: manifest facts
                             (stage titles, files, hints) and computed numbers,
- build/textbook/nav.yml     the site's navigation, the stage sections from course.toml.
- docs/assets/notebooks/     a notebook per concept page (see mapcourse.site.notebooks).
None of these is committed. The mkdocs hook calls generate() before every build; a builder
that runs no hooks runs `python -m mapcourse.site generate` first. Every course gets the
manifest's fragments; the computed numbers, the figures and the slow runs behind them (here
torch training, in a second Python process, beside the drawing) come from the module that
course.toml registers as `[site] content` (this course: mapcourse.site.textbook), and a
course without one has none. When no input changed since the last run (see inputs_digest),
nothing is recomputed.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from mapcourse.files import write_atomic
from mapcourse.manifest import Course, find_root, load_course
from mapcourse.scaffold import concept_slug, example_texts
from mapcourse.site import fragments
from mapcourse.site.content import site_content
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
    content = site_content(course)
    with content.training(course.root) if content else nullcontext(lambda: None) as training:
        written += vendor_katex(course.root, course.root / "docs")
        if content:
            written += content.write_figures(course, figures_dir(course.root), training)
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


def page_fragments(course: Course) -> dict[str, str]:
    """Fragment path (under build/textbook/) -> Markdown: the manifest's, then the course's
    own computed fragments (all but those of its slow runs)."""
    texts = {
        "course/stages.md": fragments.stages_table(course),
        "course/stage-list.md": fragments.stage_list(course, depth=1),
    }
    for stage in course.stages:
        texts[f"exercise/{stage.id}.md"] = fragments.exercise_box(course, stage)
        texts[f"stage/{stage.id}/header.md"] = fragments.stage_header(course, stage)
        texts[f"stage/{stage.id}/hints.md"] = fragments.stage_hints(stage)
        for page in stage.reading:
            texts[f"exercise/reading/{page}"] = fragments.reading_note(course, stage)
    texts |= authoring_fragments(course)
    content = site_content(course)
    return texts | content.page_fragments(course) if content else texts


def authoring_fragments(course: Course) -> dict[str, str]:
    """The example stage that `mapcourse new-stage` writes, each file as a fenced block, for
    docs/maintainers/writing-a-stage.md."""
    number = len(course.stages) + 1
    stage_id = f"stage{number}_gaussian_mean"
    texts = example_texts(stage_id, "The mean of a Gaussian", number, concept_slug(stage_id))
    languages = {"manifest": "toml", "page": "markdown", "concept": "markdown"}
    escaped = {role: re.sub(r"^--8<--", ";--8<--", text.strip(), flags=re.M)  # shown, not run
               for role, text in texts.items()}
    return {f"authoring/{role}.md": f"```{languages.get(role, 'python')}\n{text}\n```\n"
            for role, text in escaped.items()}


def write_fragments(course: Course, target: Path, training: Callable) -> list[Path]:
    """Write every fragment under target and delete fragments no page can include any more."""
    content = site_content(course)
    texts = page_fragments(course)
    if content:
        texts |= content.training_fragments(training())
    written = [
        target / name
        for name, text in texts.items()
        if write_atomic(target / name, text.encode())
    ]
    for stale in target.rglob("*.md"):
        if stale.relative_to(target).as_posix() not in texts:
            stale.unlink()
    return written


def build(root: Path | None = None, site_dir: Path | None = None, strict: bool = True) -> int:
    """`mkdocs build` of the course at root (its hook runs generate()); mkdocs' exit status."""
    root = (root or find_root()).resolve()
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(root / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    if site_dir is not None:
        command += ["--site-dir", str(Path(site_dir).resolve())]
    return subprocess.run(command, cwd=root).returncode
