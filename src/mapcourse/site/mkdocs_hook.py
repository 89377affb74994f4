"""mkdocs hook: the textbook's events (`mapcourse.site.plugin`) loaded by path.

mkdocs loads this file by path, so it puts this checkout's src/ first on sys.path: the site
is always built from the code beside it. A course that is not a fork of the engine names
the installed plugin instead (`plugins: [mapcourse]`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mapcourse.site.plugin import (  # noqa: E402, F401 - mkdocs calls these by name
    on_config,
    on_page_content,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_post_template,
    on_pre_build,
)
