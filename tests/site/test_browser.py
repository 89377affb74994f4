"""Every page of the built site in headless Chromium, served under its site_url's sub-path.

Each page is opened once per colour scheme (light, dark) and looked at in both widths (1280 and
390 CSS px): offline, every formula typeset, every image loaded, no serious or critical
accessibility violation (axe-core, from node_modules/), no horizontal overflow on a phone,
tables and formulas that scroll inside a labelled region, figure text large enough to read,
KaTeX only where there is maths. The 404 page and search work under the sub-path.

Uses Debian's chromium (/usr/bin/chromium) through playwright; no browser is downloaded.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.browser import AXE, CHROMIUM, NO_CHROMIUM, QuietHandler, chromium, serving
from tests.site.conftest import ROOT, make_site

SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]
SUB_PATH = urlsplit(SITE_URL).path  # "/mle-map-regularization/"

SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
LEAST_FIGURE_TEXT = {1280: 11.0, 390: 9.0}  # viewport width -> smallest figure text, CSS px
PHONE = 390
# The whole book on one page, made of the other pages' content for the PDF (test_pdf.py reads
# it back); auditing its 20,000 elements would take minutes and find nothing new.
PRINT_PAGE = "print_page/"
SERIOUS = ("serious", "critical")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not in node_modules/: npm ci"),
]

# What a page holds once loaded: its formulas, whether KaTeX typeset them, whether it loads KaTeX.
TYPESET_REPORT = """() => {
  const blocks = [...document.querySelectorAll(".arithmatex")];
  // The article's text, without its code (where a page may quote TeX on purpose) and without
  // KaTeX's MathML copy of each formula (which holds its TeX source).
  const copy = document.querySelector("article").cloneNode(true);
  for (const skip of copy.querySelectorAll("code, pre, .katex-mathml")) skip.remove();
  const text = copy.textContent;
  return {
    blocks: blocks.length,
    typeset: blocks.filter((b) => b.querySelector(".katex")).length,
    rawTex: ["\\\\(", "\\\\[", "$$"].filter((d) => text.includes(d)),
    exercises: document.querySelector("article").innerText.includes("exercises/"),
    katexScript: document.querySelector('script[src*="katex.min.js"]') !== null,
    katexStyle: document.querySelector('link[href*="katex.min.css"]') !== null,
    scheme: document.body.getAttribute("data-md-color-scheme"),
  };
}"""

# At the current width, once every image (the <picture>'s source for this width) has loaded.
LAYOUT_REPORT = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  // The theme animates its drawer and navigation when the width changes: let them finish.
  await frame();
  const animations = document.getAnimations().map((a) => a.finished.catch(() => null));
  await Promise.race([Promise.all(animations), pause(3000)]);
  const images = [...document.querySelectorAll("article img")];
  await Promise.all(images.map((img) => img.complete ? null :
    new Promise((done) => { img.onload = img.onerror = done; })));
  await frame(); await frame();
  const root = document.documentElement;
  // Elements that stick out past the viewport's right edge, outside any scrolling region.
  const sticksOut = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= root.clientWidth + 1) return false;
    for (let up = el.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) return false;
      if (style.position === "fixed" || style.visibility === "hidden") return false;
    }
    return getComputedStyle(el).visibility !== "hidden";
  }).map((el) => el.tagName.toLowerCase() + "." + String(el.className).split(" ")[0]);
  // Tables and display formulas that scroll sideways: a keyboard must reach them, by name.
  const regions = ".md-typeset__scrollwrap, article div.arithmatex";
  const scrollers = [...document.querySelectorAll(regions)]
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => ({
      what: el.matches(".arithmatex") ? "formula" : "table",
      tabindex: el.getAttribute("tabindex"),
      role: el.getAttribute("role"),
      label: el.getAttribute("aria-label"),
    }));
  // What a tap on each figure opens full screen, beside the drawing the page shows.
  const lightboxes = [...document.querySelectorAll("article figure a.glightbox")].map((a) => ({
    opens: a.href,
    shown: a.querySelector("img").currentSrc,
  }));
  return {
    images: images.map((img) => [img.currentSrc || img.src, img.naturalWidth]),
    lightboxes,
    overflow: Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth,
    sticksOut: [...new Set(sticksOut)].slice(0, 5),
    scrollers,
  };
}"""

# The rendered size of every figure's text, in CSS px: an SVG shown by an <img> is fetched and
# laid out, off screen, at the width the <img> is shown; an inline SVG is measured where it is.
# A text's size is its font size times the scale from the SVG's user units to the screen.
FIGURE_TEXT = """async () => {
  const sizes = (svg) => [...svg.querySelectorAll("text")]
    .filter((t) => t.textContent.trim())
    .map((t) => {
      const m = t.getScreenCTM();
      return parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    });
  const figures = [];
  for (const img of document.querySelectorAll("article img")) {
    const src = img.currentSrc || img.src;
    const width = img.getBoundingClientRect().width;
    if (!/[.]svg([?#]|$)/.test(src)) continue;  // a screenshot, not a figure the course draws
    const markup = await (await fetch(src)).text();
    const svg = new DOMParser().parseFromString(markup, "image/svg+xml").documentElement;
    const host = document.createElement("div");
    host.style.cssText = `position: absolute; left: -20000px; top: 0; width: ${width}px`;
    const shown = document.importNode(svg, true);
    shown.setAttribute("width", String(width));
    shown.removeAttribute("height");
    host.appendChild(shown);
    document.body.appendChild(host);
    const viewBox = shown.viewBox.baseVal;
    figures.push({ src, width, viewBoxWidth: viewBox ? viewBox.width : null, sizes: sizes(shown) });
    host.remove();
  }
  for (const svg of document.querySelectorAll("article svg")) {
    if (svg.querySelector("text")) {
      const width = svg.getBoundingClientRect().width;
      figures.push({ src: "inline svg", width, sizes: sizes(svg) });
    }
  }
  return figures;
}"""

AXE_RUN = """async (rules) => {
  const options = { resultTypes: ["violations"] };
  if (rules) options.runOnly = { type: "rule", values: rules };
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 4), count: v.nodes.length,
  }));
}"""

# The rules whose outcome depends on colours: the only ones the dark scheme can change.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


class SubPathHandler(QuietHandler):
    """Serves the site under SUB_PATH, as GitHub Pages does: 404.html, status 404, for the rest."""

    def do_GET(self):  # noqa: N802 - the base class names it so
        url = urlsplit(self.path)
        if url.path.startswith(SUB_PATH):
            local = Path(self.directory) / url.path[len(SUB_PATH) :]
            if local.is_dir() and (local / "index.html").is_file() and not url.path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url.path + "/")
                self.end_headers()
                return
            if local.is_file() or (local / "index.html").is_file():
                self.path = "/" + url.path[len(SUB_PATH) :]
                return super().do_GET()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built the way the docs say: `python -m mapcourse.site build`."""
    site_dir = tmp_path_factory.mktemp("site")
    make_site(site_dir)
    return site_dir


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The server's root URL: http://127.0.0.1:PORT (the site lives under SUB_PATH)."""
    with serving(site, SubPathHandler) as url:
        yield url


@pytest.fixture(scope="module")
def base_url(server: str) -> str:
    return server + SUB_PATH


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def page_paths(site: Path) -> list[str]:
    """Every page of the site as a URL path under SUB_PATH ('', 'map-bayes/', ...), 404 excluded."""
    return sorted(
        "".join(f"{part}/" for part in index.parent.relative_to(site).parts)
        for index in site.rglob("index.html")
        if index.parent.relative_to(site).parts[:1] not in (("assets",), ("search",))
    )


@dataclass
class PageView:
    """One page in one colour scheme: what it loaded, and what each width showed."""

    typeset: dict
    problems: list[str]
    layout: dict[int, dict]  # width -> LAYOUT_REPORT
    figures: dict[int, list]  # width -> FIGURE_TEXT
    violations: dict[int, list]  # width -> axe violations, serious or critical


@pytest.fixture(scope="module")
def views(site, server, base_url, browser) -> dict[tuple[str, str], PageView]:
    """(page path, scheme) -> PageView, every page opened once per scheme in one browser."""
    paths = [path for path in page_paths(site) if path != PRINT_PAGE]
    assert len(paths) >= 20
    found = {}
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda m, problems=problems: (
                m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}")
            ),
        )
        page.on("pageerror", lambda error, problems=problems: problems.append(f"error: {error}"))
        page.on(
            "request",
            lambda r, problems=problems: (
                r.url.startswith((base_url, "data:", "blob:"))
                or problems.append(f"request outside the site: {r.url}")
            ),
        )
        page.on(
            "response",
            lambda r, problems=problems: (
                r.status < 400 or problems.append(f"{r.status} for {r.url}")
            ),
        )
        for path in paths:
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(base_url + path, wait_until="networkidle")
            page.add_script_tag(path=str(AXE))
            view = PageView(page.evaluate(TYPESET_REPORT), [], {}, {}, {})
            for width in LEAST_FIGURE_TEXT:
                page.set_viewport_size({"width": width, "height": 900})
                view.layout[width] = page.evaluate(LAYOUT_REPORT)
                if scheme == "light":
                    view.figures[width] = page.evaluate(FIGURE_TEXT)
                rules = None if scheme == "light" else COLOUR_RULES
                view.violations[width] = [
                    v for v in page.evaluate(AXE_RUN, rules) if v["impact"] in SERIOUS
                ]
            view.problems, problems[:] = list(problems), []
            found[path, scheme] = view
        context.close()
    return found


def test_every_page_is_offline_typeset_and_complete(views):
    problems: list[str] = []
    math_blocks = 0
    for (path, scheme), view in views.items():
        where = f"/{path} ({scheme})"
        report = view.typeset
        math_blocks += report["blocks"]
        problems += [f"{where}: {problem}" for problem in view.problems]
        if report["scheme"] != SCHEMES[scheme]:
            problems.append(f"{where}: shown in scheme {report['scheme']}, not {SCHEMES[scheme]}")
        if report["typeset"] != report["blocks"]:
            problems.append(f"{where}: {report['blocks'] - report['typeset']} formulas not typeset")
        if report["rawTex"]:
            problems.append(f"{where}: raw TeX delimiters {report['rawTex']} left in the text")
        if not report["exercises"]:
            problems.append(f"{where}: says nowhere where the exercises live")
        for width, layout in view.layout.items():
            for src, natural_width in layout["images"]:
                if natural_width == 0:
                    problems.append(f"{where} at {width} px: image {src} did not load")
    assert not problems, "\n".join(problems)
    assert math_blocks >= 20


def test_no_serious_or_critical_accessibility_violation(views):
    """axe-core on every page, at 1280 and 390 px, in light and dark."""
    found = [
        f"/{path} ({scheme}, {width} px): {v['impact']} {v['id']} x{v['count']}: {v['help']}"
        f" {v['targets']}"
        for (path, scheme), view in views.items()
        for width, violations in view.violations.items()
        for v in violations
    ]
    assert not found, "\n".join(found)


def test_no_page_is_wider_than_a_phone(views):
    wide = [
        f"/{path}: {view.layout[PHONE]['overflow']} px too wide ({view.layout[PHONE]['sticksOut']})"
        for (path, scheme), view in views.items()
        if scheme == "light"
        and (view.layout[PHONE]["overflow"] > 0 or view.layout[PHONE]["sticksOut"])
    ]
    assert not wide, "\n".join(wide)


def test_wide_tables_and_formulas_scroll_in_a_labelled_region_a_keyboard_reaches(views):
    scrolling = [
        (path, width, region)
        for (path, scheme), view in views.items()
        if scheme == "light"
        for width, layout in view.layout.items()
        for region in layout["scrollers"]
    ]
    unreachable = [
        f"/{path} at {width} px: a {region['what']} scrolls with {region}"
        for path, width, region in scrolling
        if region["tabindex"] != "0" or region["role"] != "region" or not region["label"]
    ]
    assert not unreachable, "\n".join(unreachable)
    named_twice = [
        f"/{path} at {width} px: {len(labels) - len(set(labels))} regions named twice"
        for (path, scheme), view in views.items()
        if scheme == "light"
        for width, layout in view.layout.items()
        if len(labels := [region["label"] for region in layout["scrollers"]]) > len(set(labels))
    ]
    assert not named_twice, "\n".join(named_twice)
    # The phone width is where the check bites: some table or formula must scroll there.
    assert any(width == PHONE for _, width, _ in scrolling)


def test_figure_text_is_readable_on_a_desktop_and_on_a_phone(views):
    measured, small = 0, []
    for (path, _), view in views.items():
        for width, figures in view.figures.items():
            for figure in figures:
                measured += 1
                least = min(figure["sizes"], default=None)
                if least is None:
                    small.append(f"/{path} at {width} px: {figure['src']} has no text to measure")
                elif least < LEAST_FIGURE_TEXT[width]:
                    small.append(
                        f"/{path} at {width} px: {figure['src']}, {figure['width']:.0f} px wide,"
                        f" has text of {least:.1f} px (< {LEAST_FIGURE_TEXT[width]})"
                    )
    assert measured >= 2 * 7, "fewer figures than the textbook has"
    assert not small, "\n".join(small)


def test_a_figure_opens_full_screen_in_the_drawing_the_page_shows(views):
    """At 390 px the lightbox opens the phone's drawing, at 1280 px the desktop's: also after
    the window is resized from one to the other (the page is opened at 1280 px first)."""
    opened, wrong = 0, []
    for (path, scheme), view in views.items():
        if scheme != "light":
            continue
        for width, layout in view.layout.items():
            for box in layout["lightboxes"]:
                opened += 1
                if box["opens"] != box["shown"]:
                    wrong.append(f"/{path} at {width} px: opens {box['opens']}, not {box['shown']}")
    assert opened >= 2 * 7, "fewer figures than the textbook has"
    assert not wrong, "\n".join(wrong)
    phone = [box["opens"] for view in views.values() for box in view.layout[PHONE]["lightboxes"]]
    assert any(src.endswith("-narrow.svg") for src in phone)


def test_katex_loads_only_on_pages_with_maths(views):
    wrong = [
        f"/{path}: {view.typeset['blocks']} formulas, KaTeX script {view.typeset['katexScript']},"
        f" style sheet {view.typeset['katexStyle']}"
        for (path, scheme), view in views.items()
        if scheme == "light"
        and not (
            view.typeset["katexScript"]
            == view.typeset["katexStyle"]
            == (view.typeset["blocks"] > 0)
        )
    ]
    assert not wrong, "\n".join(wrong)
    with_maths = sum(view.typeset["blocks"] > 0 for view in views.values())
    assert 0 < with_maths < len(views), "every page, or none, has maths: nothing was told apart"


# A search result's text without its code (where a page may quote TeX on purpose).
WITHOUT_CODE = """items => items.map((item) => {
  const copy = item.cloneNode(true);
  for (const code of copy.querySelectorAll("code, pre")) code.remove();
  return copy.textContent;
})"""
CODE = re.compile(r"<code>.*?</code>", re.DOTALL)


def search(page, query: str) -> tuple[str, list[str]]:
    """Type query into the search box; the results' text and links."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    text = " ".join(results.evaluate_all(WITHOUT_CODE))
    links = page.locator(".md-search-result__link").evaluate_all("as => as.map(a => a.href)")
    return text, links


def test_search_finds_weight_decay_and_shows_no_tex(base_url, browser):
    page = browser.new_page()
    page.goto(base_url, wait_until="networkidle")
    found, links = search(page, "weight decay")
    page.reload(wait_until="networkidle")
    prior_text, _ = search(page, "prior")
    page.close()
    assert "weight decay" in found.lower() or "weight_decay" in found.lower()
    assert any(link.startswith(base_url + "weight-decay-pytorch/") for link in links)
    assert not [d for d in ("\\(", "\\[", "$$") if d in prior_text], prior_text[:2000]


def test_search_index_holds_no_tex(site):
    index = json.loads((site / "search" / "search_index.json").read_text())
    with_tex = [
        doc["location"]
        for doc in index["docs"]
        if re.search(r"\\\(|\\\[|\$\$", CODE.sub("", doc["title"] + doc["text"]))
    ]
    assert not with_tex, with_tex
    assert any(doc["location"].startswith("gaussian-prior-l2/") for doc in index["docs"])
    assert any("lasso" in doc["text"].lower() for doc in index["docs"])


def test_the_404_page_works_under_the_sub_path(server, base_url, browser):
    page = browser.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            r.status < 400
            or r.url.endswith("/no-such-page/")
            or failed.append(f"{r.status} for {r.url}")
        ),
    )
    page.on("pageerror", lambda error: failed.append(f"error: {error}"))
    response = page.goto(base_url + "no-such-page/", wait_until="networkidle")
    styled = page.evaluate(
        "() => getComputedStyle(document.querySelector('.md-header')).position !== 'static'"
    )
    home = page.locator("a.md-header__button.md-logo").evaluate("a => a.href")
    heading = page.locator("article h1").inner_text()
    _, links = search(page, "weight decay")
    page.close()
    assert response.status == 404
    assert not failed, failed
    assert styled, "the 404 page's style sheets did not load"
    assert "404" in heading
    assert home == base_url
    assert any(link.startswith(base_url + "weight-decay-pytorch/") for link in links)


def test_the_sitemap_lists_every_page_under_the_site_url(site):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    listed = {loc.text for loc in root.findall("s:url/s:loc", namespace)}
    pages = {SITE_URL + path for path in page_paths(site)}
    assert listed <= pages
    assert len(listed) >= 20
    assert {SITE_URL, SITE_URL + "stages/"} <= listed
