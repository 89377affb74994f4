"""The architecture page names every module of the package, so it cannot quietly go stale.

docs/maintainers/architecture.md gives each module under src/mapcourse/ a paragraph that
starts with its path in bold (`**`grading/runner.py`**`); an empty `__init__.py` has
nothing to describe. A new module without its paragraph, or a paragraph left behind by a
module that is gone, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import mapcourse

PACKAGE = Path(mapcourse.__file__).resolve().parent
PAGE = PACKAGE.parents[1] / "docs" / "maintainers" / "architecture.md"
PARAGRAPH = re.compile(r"^\*\*`([\w/]+\.py)`\*\*:", re.MULTILINE)


def modules() -> set[str]:
    """Every module of the package by its path inside it, but empty `__init__.py` files."""
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
            if "__pycache__" not in path.parts
            and not (path.name == "__init__.py" and not path.read_text().strip())}


def described() -> list[str]:
    return PARAGRAPH.findall(PAGE.read_text(encoding="utf-8"))


def test_every_module_has_its_paragraph_on_the_architecture_page():
    assert sorted(modules() - set(described())) == []


def test_every_paragraph_describes_a_module_that_exists():
    assert sorted(set(described()) - modules()) == []


def test_each_module_is_described_once():
    paragraphs = described()
    assert len(paragraphs) == len(set(paragraphs)) > 50
