"""KaTeX, installed from the npm registry and served from the site: no CDN, no outside fonts.

`npm ci` installs the version pinned in package-lock.json into node_modules/; the files the
pages load are copied to docs/assets/vendor/katex/ (not committed: the build makes them).
Only a page with maths loads them (the mkdocs hook calls `without_katex` on the others), and
the search index leaves the TeX out (`exclude_maths_from_search`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from mapcourse.files import write_atomic

FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
# The tags a page loads its maths with (mkdocs.yml's extra_css and extra_javascript): KaTeX's
# style sheet and scripts, and the script that runs it.
KATEX_FILES = r'"[^"]*(?:assets/vendor/katex/[^"]*|javascripts/katex\.js)"'
KATEX_TAGS = re.compile(
    rf"[ \t]*(?:<link [^>]*href={KATEX_FILES}[^>]*>"
    rf"|<script [^>]*src={KATEX_FILES}[^>]*></script>)\n?"
)
# The element pymdownx.arithmatex (generic mode) wraps each formula in.
MATHS = re.compile(r'<(span|div) class="arithmatex"')


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
            "install Node.js 22.12 or newer, then run `npm ci` in the course root"
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


def has_maths(html: str) -> bool:
    """True when the page's HTML holds a formula for KaTeX to typeset."""
    return MATHS.search(html) is not None


def without_katex(html: str) -> str:
    """A page's HTML without the tags that load KaTeX (for a page with no maths)."""
    return KATEX_TAGS.sub("", html)


def exclude_maths_from_search(html: str) -> str:
    """Mark every formula `data-search-exclude`, so that search neither indexes nor shows TeX."""
    return MATHS.sub(r'<\1 class="arithmatex" data-search-exclude', html)
