"""The whole textbook as one PDF: the print page of a built site, printed by headless Chromium.

mkdocs-print-site-plugin gathers the textbook's pages (the home page, the textbook, the
stages and the references; not the instructors' and maintainers' pages) on one page,
`print_page/`. `print_book` serves the built site on a local port, opens that page in
Debian's Chromium through playwright, waits until KaTeX has typeset every formula and every
figure has loaded, and prints it to `textbook.pdf` at the site's root, where the home page
links to it. Printing takes a few seconds, so `mkdocs build` does not do it:
`python -m mapcourse.site pdf` builds the site and then prints it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PDF_NAME = "textbook.pdf"
"""The PDF's name at the site's root; docs/index.md links to it."""
PRINT_PAGE = "print_page/"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

READY = """() => {
  const formulas = [...document.querySelectorAll("#print-site-page .arithmatex")];
  const images = [...document.querySelectorAll("#print-site-page img")];
  return document.readyState === "complete"
    && formulas.every((f) => f.querySelector(".katex"))
    && images.every((img) => img.complete && img.naturalWidth > 0);
}"""

NOT_READY = """() => ({
  formulas: [...document.querySelectorAll("#print-site-page .arithmatex")]
    .filter((f) => !f.querySelector(".katex")).map((f) => f.textContent.slice(0, 60)),
  images: [...document.querySelectorAll("#print-site-page img")]
    .filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.src),
})"""

PRINT_CSS = """
.notebook-download, .md-source-file, .headerlink { display: none !important; }
#print-site-page section.print-page { break-before: page; }
"""
"""What a sheet of paper does without: the notebooks' download boxes and the permalinks."""


EMPTY_SECTION = re.compile(
    r"<section class='print-page md-section' id='section-\d+'[^>]*>\s*"
    r"<h1>[^<]*<a class='headerlink'[^>]*></a>\s*</h1>\s*</section>"
)
"""A nav section all of whose pages the print page leaves out (Instructors, Maintainers)."""

TOC_CLEANUP = """<script>
document.addEventListener("DOMContentLoaded", () => {
  // The contents are copied from the site's navigation: drop what the print page leaves out.
  const contents = "#print-page-toc a[href^='#'], .md-sidebar--secondary a[href^='#']";
  for (const link of document.querySelectorAll(contents)) {
    if (!document.getElementById(decodeURIComponent(link.hash.slice(1)))) {
      link.closest("li").remove();
    }
  }
});
</script>
"""


def tidy_print_page(site_dir: Path) -> bool:
    """Mend the print page that mkdocs-print-site-plugin wrote; True if it had to.

    A plugin before it (glightbox) hands each page on as a whole document, `<html><head>...`,
    and print-site puts its start-up script in every `</head>`: the contents would be built
    once per page. This keeps the page's own head only, drops the sections whose pages are all
    left out, and the contents' links to them.
    """
    path = Path(site_dir) / PRINT_PAGE / "index.html"
    if not path.is_file():
        return False
    html = path.read_text(encoding="utf-8")
    head, sep, body = html.partition("</head>")
    start = body.find('<div id="print-site-page"')
    end = body.rfind("</body>")
    if not sep or start < 0 or end < start:
        return False
    script = re.search(
        r"\s*<script type=\"text/javascript\">\s*document.addEventListener"
        r"\('DOMContentLoaded'.*?</script>\s*$",
        head,
        re.S,
    )
    pages = body[start:end]
    if script:
        pages = pages.replace(script.group(0).strip(), "")
    for wrapper in ("<html><head>", "</head><body>", "</body></html>"):
        pages = pages.replace(wrapper, "")
    pages = EMPTY_SECTION.sub("", pages)
    tail = body[end:]
    if TOC_CLEANUP not in body:
        tail = TOC_CLEANUP + tail
    tidy = head + sep + body[:start] + pages + tail
    if tidy == html:
        return False
    path.write_text(tidy, encoding="utf-8")
    return True


class PrintError(RuntimeError):
    """The book could not be printed: no Chromium, no print page, or a page that never typeset."""


def chromium() -> Path:
    """Debian's chromium (`apt-get install chromium`), or $MAPCOURSE_CHROMIUM."""
    found = os.environ.get("MAPCOURSE_CHROMIUM") or shutil.which("chromium")
    path = Path(found or "/usr/bin/chromium")
    if not path.is_file():
        raise PrintError("no Chromium to print with: apt-get install chromium")
    return path


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site at / and under its published path (`site_url`'s, such as
    /mle-map-regularization/), where the theme's scripts look for the search index."""

    sub_path = "/"

    def translate_path(self, path: str) -> str:
        if path.startswith(self.sub_path):
            path = "/" + path[len(self.sub_path) :]
        return super().translate_path(path)

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


def published_path() -> str:
    """The path of mkdocs.yml's `site_url` ('/mle-map-regularization/'), or '/'."""
    from urllib.parse import urlsplit

    from mapcourse.manifest import find_root, load_course
    from mapcourse.release import site_url

    url = site_url(load_course(find_root()))
    return (urlsplit(url).path.rstrip("/") + "/") if url else "/"


@contextmanager
def serving(site_dir: Path, sub_path: str = "/") -> Iterator[str]:
    """The site served on a free local port (also under `sub_path`), as its base URL."""
    handler_class = type("Handler", (_SiteHandler,), {"sub_path": sub_path})
    handler = functools.partial(handler_class, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def print_book(site_dir: Path, output: Path | None = None, timeout_s: float = 60) -> Path:
    """Print the built site's print page to `output` (default: textbook.pdf in the site)."""
    from playwright.sync_api import Error, sync_playwright

    site_dir = Path(site_dir).resolve()
    output = Path(output or site_dir / PDF_NAME).resolve()
    if not (site_dir / PRINT_PAGE / "index.html").is_file():
        raise PrintError(f"{site_dir} has no {PRINT_PAGE}: build the site first")
    with serving(site_dir, published_path()) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base_url + PRINT_PAGE, wait_until="networkidle")
            try:
                page.wait_for_function(READY, timeout=timeout_s * 1000)
            except Error as error:
                raise PrintError(
                    f"the print page never finished: {page.evaluate(NOT_READY)}"
                ) from error
            page.add_style_tag(content=PRINT_CSS)
            page.evaluate("document.fonts.ready")
            page.emulate_media(media="print")
            output.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(output),
                format="A4",
                margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                print_background=True,
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()
    return output
