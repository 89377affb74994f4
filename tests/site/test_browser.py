"""Every page of the built site in headless Chromium: offline, typeset, images loaded, searchable.

Uses Debian's chromium (/usr/bin/chromium) through playwright; no browser is downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="Debian's chromium is not installed at /usr/bin/chromium: apt-get install chromium",
    ),
]

TYPESET_REPORT = """() => {
  const blocks = [...document.querySelectorAll(".arithmatex")];
  const text = document.querySelector("article").innerText;
  return {
    blocks: blocks.length,
    typeset: blocks.filter((b) => b.querySelector(".katex")).length,
    rawTex: ["\\\\(", "\\\\[", "$$"].filter((d) => text.includes(d)),
    exercises: text.includes("exercises/"),
  };
}"""

IMAGES_LOADED = """async () => {
  const images = [...document.querySelectorAll("article img")];
  await Promise.all(images.map((img) => img.complete ? null :
    new Promise((done) => { img.onload = img.onerror = done; })));
  return images.map((img) => [img.getAttribute("src"), img.naturalWidth]);
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built the way the docs say: `python -m mapcourse.site build`."""
    site_dir = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mapcourse.site", "build", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return site_dir


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def page_paths(site: Path) -> list[str]:
    """Every page of the site as a URL path ('', 'map-bayes/', ...), 404 page excluded."""
    return sorted(
        index.parent.relative_to(site).as_posix().removeprefix(".") + "/"
        for index in site.rglob("index.html")
        if index.parent.relative_to(site).parts[:1] not in (("assets",), ("search",))
    )


def test_every_page_is_offline_typeset_and_complete(site, base_url, browser):
    paths = page_paths(site)
    assert len(paths) >= 20
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "request",
        lambda r: (
            r.url.startswith((base_url, "data:", "blob:"))
            or problems.append(f"request outside the site: {r.url}")
        ),
    )
    math_blocks = 0
    for path in paths:
        page.goto(base_url + path.lstrip("/"), wait_until="networkidle")
        report = page.evaluate(TYPESET_REPORT)
        math_blocks += report["blocks"]
        where = f"/{path.lstrip('/')}"
        if report["typeset"] != report["blocks"]:
            problems.append(f"{where}: {report['blocks'] - report['typeset']} formulas not typeset")
        if report["rawTex"]:
            problems.append(f"{where}: raw TeX delimiters {report['rawTex']} left in the text")
        if not report["exercises"]:
            problems.append(f"{where}: says nowhere where the exercises live")
        for src, width in page.evaluate(IMAGES_LOADED):
            if width == 0:
                problems.append(f"{where}: image {src} did not load")
    page.close()
    assert not problems, "\n".join(problems)
    assert math_blocks >= 20


def test_search_finds_weight_decay(base_url, browser):
    page = browser.new_page()
    page.goto(base_url, wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("weight decay")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    found = " ".join(results.all_inner_texts()).lower()
    links = page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.href)")
    page.close()
    assert "weight decay" in found or "weight_decay" in found
    assert any("weight-decay-pytorch" in link for link in links)
