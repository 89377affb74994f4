"""KaTeX, installed from the npm registry and served from the site: no CDN, no outside fonts.

`npm ci` installs the version pinned in package-lock.json into node_modules/; the files the
pages load are copied to docs/assets/vendor/katex/ (not committed: the build makes them).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from mapcourse.files import write_atomic

FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")


class KatexMissing(RuntimeError):
    """KaTeX is not in node_modules and npm could not install it."""


def install_katex(root: Path) -> Path:
    """node_modules/katex/dist under the course root, running `npm ci` first if it is missing."""
    dist = root / "node_modules" / "katex" / "dist"
    if (dist / "katex.min.js").is_file():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        raise KatexMissing(
            "npm is not installed, and the textbook needs KaTeX from node_modules/: "
            "install Node.js 20 or newer, then run `npm ci` in the course root"
        )
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not (dist / "katex.min.js").is_file():
        raise KatexMissing(f"`npm ci` could not install KaTeX:\n{done.stderr.strip()}")
    return dist


def vendor_katex(root: Path, docs_dir: Path) -> list[Path]:
    """Copy KaTeX's script, style sheet, auto-render and fonts to docs/assets/vendor/katex/."""
    dist = install_katex(root)
    target = docs_dir / "assets" / "vendor" / "katex"
    sources = [dist / name for name in FILES] + sorted((dist / "fonts").iterdir())
    written = []
    for source in sources:
        destination = target / source.relative_to(dist)
        if write_atomic(destination, source.read_bytes()):
            written.append(destination)
    return written
