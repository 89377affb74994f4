"""The whole book as one PDF: `python -m mapcourse.site pdf` builds the site and prints it.

The printed book has every chapter of the print page, typeset maths (no TeX left in its
text) and its figures; the home page links to it. Printing uses Debian's chromium.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from mapcourse.site import pdf
from tests.browser import CHROMIUM, NO_CHROMIUM
from tests.site.conftest import ROOT, make_site

LEFT_OUT = ("instructors", "maintainers")
"""The nav sections the print page leaves out (mkdocs.yml, print-site's `exclude`)."""

RAW_TEX = ("\\frac", "$$", "\\lambda", "\\theta", "\\(", "\\[", "\\mathcal", "\\argmax", "\\lVert")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[Path, object]:
    """The site and its PDF, made the way the docs say: `python -m mapcourse.site pdf`."""
    from pypdf import PdfReader

    site_dir = tmp_path_factory.mktemp("site")
    make_site(site_dir, "pdf")
    return site_dir, PdfReader(str(site_dir / pdf.PDF_NAME))


def words(text: str) -> str:
    return " ".join(text.split())


def chapter_titles(site_dir: Path) -> dict[str, str]:
    """Page folder -> the title (first h1) of every page of the book on the print page."""
    titles = {}
    for index in sorted(site_dir.rglob("index.html")):
        folder = index.parent.relative_to(site_dir).as_posix()
        if folder.split("/")[0] in ("assets", "search", "print_page"):
            continue
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", index.read_text(), re.S)
        title = re.sub(r"<[^>]+>|¶", "", h1.group(1))
        titles[folder] = words(html.unescape(title))
    return titles


def outline_titles(reader) -> list[str]:
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(words(item.title))

    walk(reader.outline)
    return found


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.is_file() and not os.environ.get("MAPCOURSE_CHROMIUM"), reason=NO_CHROMIUM
)


@pytest.mark.slow
@needs_chromium
def test_the_pdf_has_every_chapter_typeset_maths_and_the_figures(printed):
    site_dir, reader = printed
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = words(text)
    # Every chapter: each page of the book is a bookmark, and its title is printed.
    titles = chapter_titles(site_dir)
    book = {
        folder: title for folder, title in titles.items() if folder.split("/")[0] not in LEFT_OUT
    }
    assert len(book) >= 15 and any(f.startswith("stages/") for f in book)
    bookmarks = outline_titles(reader)
    for folder, title in book.items():
        assert title in bookmarks, f"{folder or 'home'}: {title!r} is not in the PDF's outline"
        assert title in flat, f"{folder or 'home'}: {title!r} is not printed"
    for folder, title in titles.items():
        if folder.split("/")[0] in LEFT_OUT and title not in book.values():
            assert title not in bookmarks, f"{folder} is printed; the book leaves it out"
    # Maths typeset by KaTeX: no TeX source and no delimiter left.
    left = [tex for tex in RAW_TEX if tex in text]
    assert not left, f"raw TeX in the PDF: {left}"
    # The figures: drawn (embedded as vector forms), their own text readable, their captions.
    forms = sum(
        1
        for page in reader.pages
        for xobject in (page.get("/Resources", {}).get("/XObject", {}) or {}).values()
        if xobject.get_object().get("/Subtype") in ("/Form", "/Image")
    )
    figures = sorted((site_dir / "assets" / "figures").glob("*.svg"))
    figures = [svg for svg in figures if not svg.stem.endswith("-narrow")]
    assert figures and forms >= len(figures)
    for svg in figures:
        labels = [
            words(html.unescape(t))
            for t in re.findall(r"<text[^>]*>([^<]+)</text>", svg.read_text())
        ]
        longest = max(labels, key=len)
        assert longest.replace(" ", "") in flat.replace(" ", ""), f"{svg.name}: {longest!r}"
    captions = sorted(set(re.findall(r"Figure (\d+):", text)), key=int)
    assert captions == [str(n) for n in range(1, len(figures) + 1)]


@pytest.mark.slow
@needs_chromium
def test_the_home_page_links_to_the_pdf(printed):
    site_dir, reader = printed
    home = (site_dir / "index.html").read_text()
    assert f'href="{pdf.PDF_NAME}"' in home
    assert len(reader.pages) > 20


def test_print_page_is_mended(tmp_path):
    script = (
        '<script type="text/javascript">\n'
        "document.addEventListener('DOMContentLoaded', function () {\n"
        "    generate_toc();\n"
        "})\n"
        "</script>\n"
    )
    page = (
        f"<html><head><title>t</title>\n{script}</head><body>\n"
        '<div id="print-site-page">'
        f'<section class="print-page" id="a"><html><head>{script}</head><body>'
        "<h1>A</h1></body></html></section>\n"
        "<section class='print-page md-section' id='section-4' heading-number='4'>\n"
        "    <h1>Instructors<a class='headerlink' href='#section-4' title='Permanent link'></a>\n"
        "    </h1>\n"
        "</section></div>\n"
        "</body></html>\n"
    )
    (tmp_path / "print_page").mkdir()
    (tmp_path / "print_page" / "index.html").write_text(page)
    assert pdf.tidy_print_page(tmp_path)
    mended = (tmp_path / "print_page" / "index.html").read_text()
    assert mended.count("generate_toc();") == 1
    assert mended.count("<html") == 1 and mended.count("</body>") == 1
    assert "<h1>A</h1>" in mended and "Instructors" not in mended
    assert pdf.TOC_CLEANUP in mended
    assert not pdf.tidy_print_page(tmp_path)  # once is enough
    assert not pdf.tidy_print_page(tmp_path / "nothing-built")


def test_print_site_is_the_last_plugin():
    text = (ROOT / "mkdocs.yml").read_text()
    plugins = re.search(r"^plugins:\n((?:  .*\n|\s*\n)+)", text, re.M).group(1)
    names = re.findall(r"^  - ([\w-]+)", plugins, re.M)
    assert names[-1] == "print-site", names
