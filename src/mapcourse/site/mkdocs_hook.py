"""mkdocs hook: writes the textbook's generated files (`mapcourse.site.generate`) before a build.

mkdocs loads this file by path, so it puts this checkout's src/ first on sys.path: the site
is always built from the code beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mapcourse.site.pipeline import generate  # noqa: E402


def on_pre_build(config) -> None:
    """Generate KaTeX, figures and fragments next to the mkdocs.yml being built."""
    generate(Path(config.config_file_path).resolve().parent)
