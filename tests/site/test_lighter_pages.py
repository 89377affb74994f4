"""Lighter pages without a browser: KaTeX only where there is maths, no TeX in search, the
settings `mkdocs serve` and the sitemap need, and the Node.js the README asks for."""

from __future__ import annotations

import json
import re

import yaml

from mapcourse.site import katex
from tests.site.conftest import ROOT

INLINE = '<p>the MLE <span class="arithmatex">\\(\\hat\\theta\\)</span> is</p>'
DISPLAY = '<div class="arithmatex">\\[\\log P(\\theta)\\]</div>'


def config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text())


def test_a_page_has_maths_when_arithmatex_marked_a_formula():
    assert katex.has_maths(INLINE) and katex.has_maths(DISPLAY)
    assert not katex.has_maths("<p>no formula, only <code>arithmatex</code> named</p>")


def test_a_page_without_maths_keeps_every_asset_but_katex():
    assets = config()["extra_css"] + config()["extra_javascript"]
    tags = [
        f'<link rel="stylesheet" href="../{asset}">'
        if asset.endswith(".css")
        else f'<script src="../{asset}"></script>'
        for asset in assets
    ]
    page = "<head>\n" + "\n".join(f"  {tag}" for tag in tags) + "\n</head>"
    kept = katex.without_katex(page)
    assert "katex" not in kept.lower()
    assert [tag for tag in tags if tag in kept] == [tag for tag in tags if "katex" not in tag]
    assert '<script src="../javascripts/accessibility.js"></script>' in kept
    assert len(kept.splitlines()) == 2 + len(tags) - 4  # KaTeX's 3 files and katex.js


def test_formulas_are_left_out_of_search_and_still_typeset():
    marked = katex.exclude_maths_from_search(INLINE + DISPLAY)
    assert marked.count("data-search-exclude") == 2
    assert katex.has_maths(marked)
    assert "\\(\\hat\\theta\\)" in marked  # KaTeX still finds the TeX to typeset


def test_serve_rebuilds_when_the_manifest_solutions_or_site_code_change():
    watched = set(config()["watch"])
    assert {"course.toml", "solutions", "src/mapcourse/site"} <= watched
    assert all((ROOT / path).exists() for path in watched)


def test_the_site_url_is_set():
    assert re.fullmatch(r"https://[^/]+/[^/]+/", config()["site_url"])


def version(text: str) -> tuple[int, ...]:
    """'22.12.0' and '22.12' -> (22, 12): trailing zeros dropped."""
    parts = [int(part) for part in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def least_node(lock: dict) -> tuple[int, ...]:
    """The highest `node >=X.Y.Z` that a package in package-lock.json declares."""
    versions = [(0,)]
    for package in lock["packages"].values():
        wanted = package.get("engines", {}).get("node", "")
        if match := re.fullmatch(r">= ?(\d+(?:\.\d+)*)", wanted.strip()):
            versions.append(version(match.group(1)))
    return max(versions)


def test_the_readme_asks_for_the_node_the_packages_need():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    needed = least_node(lock)
    readme = (ROOT / "README.md").read_text()
    asked = re.findall(r"Node\.js (\d+(?:\.\d+)*) or newer", readme)
    assert asked, "the README says no Node.js version"
    assert {version(text) for text in asked} == {needed}
    assert "node_modules/axe-core" in lock["packages"]
