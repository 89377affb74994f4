"""report.html in headless Chromium, at a desktop's width and a phone's: offline, every
plot drawn, no serious accessibility violation (axe-core), every feedback link found."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapcourse.grading import export
from mapcourse.report import build
from tests.browser import AXE, CHROMIUM, NO_CHROMIUM, chromium, serving
from tests.report.test_similarity import COPIED, disguise

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(),
                       reason=NO_CHROMIUM),
]

PLOTS = """() => [...document.querySelectorAll("figure svg")].map((svg) => {
  const box = svg.getBoundingClientRect();
  return [svg.getAttribute("aria-label") || "", box.width, box.height,
          svg.querySelectorAll("path").length];
})"""
AXE_SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} nodes, e.g. ${v.nodes[0].target}`);
}"""


@pytest.fixture(scope="module")
def out(tmp_path_factory, course) -> Path:
    """The --out folder of the hand-made class, where cy handed in a disguised copy of bo's
    stage 1 and 2."""
    from tests.corpus import build as build_case
    from tests.corpus import cases
    from tests.report.conftest import make_class

    folder = tmp_path_factory.mktemp("browser")
    report = make_class(course)
    folders = {name: folder / "class" / name for name in ("ana", "bo", "di")}
    for name, path in folders.items():
        path.parent.mkdir(exist_ok=True)
        if name == "bo":
            case = next(case for case in cases("correct") if case.id == COPIED)
            build_case(case, path.parent).rename(path)
        else:
            path.mkdir()
            for stage in course.stages:
                (path / stage.filename).write_text(
                    (course.solutions_dir / stage.filename).read_text())
    folders["cy"] = folder / "class" / "cy"
    disguise(folders["bo"], folders["cy"])
    out = folder / "out"
    for submission in report.submissions:
        export.write_submission(out, submission, course, report.sandbox)
    export.write_grades(out, report, course)
    assert build.write_all(out, report, course, folders) == []
    return out


@pytest.fixture(scope="module")
def base_url(out: Path):
    with serving(out) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_report_is_offline_complete_and_accessible(base_url, browser, course, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning")
            and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("request", lambda r: r.url.startswith((base_url, "data:"))
            or problems.append(f"request outside the report: {r.url}"))
    page.goto(base_url + "report.html", wait_until="networkidle")
    plots = page.evaluate(PLOTS)
    assert len(plots) == 1 + len(course.stages)
    for label, plot_width, height, paths in plots:
        if not (label and plot_width > 150 and height > 80 and paths > 5):
            problems.append(f"plot not drawn: {label!r} {plot_width}x{height}, {paths} paths")
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => d.open = true)")
    if page.evaluate("() => document.documentElement.scrollWidth") > width:
        problems.append(f"the page, its details open, is wider than the {width} px window")
    marks = page.locator("#similarity ~ details mark, section mark").count()
    if marks < 2:
        problems.append(f"the copied pair shows {marks} marked regions")
    if AXE.is_file():
        page.add_script_tag(path=str(AXE))
        problems += page.evaluate(AXE_SERIOUS)
    else:
        problems.append(f"axe-core is missing ({AXE}): npm ci")
    for href in page.locator("a[href^='feedback/']").evaluate_all("as => as.map(a => a.href)"):
        if not page.request.get(href).ok:
            problems.append(f"feedback link {href} not found")
    page.close()
    assert not problems, "\n".join(problems)
