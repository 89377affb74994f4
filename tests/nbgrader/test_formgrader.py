"""Formgrader in Chromium, as an instructor meets it, on the generated course.

The course is generated into a temporary folder with a roster; one stage with a
derivation is generated, handed in by a student (the `submitted/` layout that
`nbgrader collect` leaves) and autograded. A Jupyter server is started in the course
folder, as the instructors' page says, and headless Chromium (Debian's, through
playwright, no network beyond the server) opens Formgrader: the assignment is listed,
the students have their names, the derivation is typeset by the course's own MathJax,
a score typed into its box is saved, and the gradebook shows it in the total; the
feedback page, opened from the course folder, names each test and typesets offline.

With MAPCOURSE_SCREENSHOTS=DIR the pages are also saved there as PNGs (the screenshots
of docs/instructors/nbgrader.md: `MAPCOURSE_SCREENSHOTS=docs/instructors/img/nbgrader`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapcourse.manifest import load_course
from mapcourse.nbgrader.course import write_course
from mapcourse.nbgrader.feedback import copy_mathjax
from mapcourse.nbgrader.roster import import_roster
from tests.nbgrader import driver

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is not installed at "
                       "/usr/bin/chromium: apt-get install chromium"),
]

COURSE = load_course()
STAGE = next(stage for stage in COURSE.stages if stage.derivation)
STUDENT = "ada"
ROSTER = "id,first_name,last_name,email\nada,Ada,Lovelace,ada@example.org\ncarl,Carl,Gauss,\n"
DERIVATION = (r"With the prior $\theta \sim \mathcal{N}(0, \tau^2 I)$, "
              r"$-\log p(\theta \mid D) = \frac{1}{2\sigma^2}\|y - X\theta\|^2 "
              r"+ \frac{1}{2\tau^2}\|\theta\|^2 + C$.")
MANUAL = 4  # the score the instructor gives the derivation
TOKEN = "formgrader-test"
TIMEOUT = 20_000  # ms for any one page to show what it should


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    """The generated course, with a roster, one stage handed in by a student and autograded."""
    root = tmp_path_factory.mktemp("formgrader")
    course_dir = root / "course"
    write_course(COURSE, course_dir)
    copy_mathjax(COURSE.root, course_dir)
    (root / "students.csv").write_text(ROSTER)
    import_roster(course_dir, root / "students.csv")
    driver.nbgrader(course_dir, "generate_assignment", STAGE.id)
    submission = root / STUDENT
    submission.mkdir()
    (submission / STAGE.filename).write_text((COURSE.solutions_dir / STAGE.filename).read_text())
    driver.submit(COURSE, course_dir, STUDENT, submission, derivation=DERIVATION)
    log = driver.nbgrader(course_dir, "autograde", STAGE.id)
    assert "checksum" not in log.lower(), log  # nbgrader #1961 does not arise
    return course_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(course_dir) -> Iterator[str]:
    """A Jupyter server started in the course folder; its URL. Stopped afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (course_dir.parent / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={TOKEN}", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=course_dir, env=driver.jupyter_env(), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), \
                    urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                pytest.fail("the Jupyter server did not start:\n"
                            + (course_dir.parent / "server.log").read_text()[-3000:])
            time.sleep(0.25)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        log.close()


@pytest.fixture(scope="module")
def page(server):
    """A Chromium page that may reach the server only, logged in with the token."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"])
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        outside: list[str] = []

        def only_the_server(route):
            if route.request.url.startswith((server, "file://")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_the_server)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.outside = outside
        page.goto(f"{server}/?token={TOKEN}")
        yield page
        browser.close()


def screenshot(page, name: str) -> None:
    folder = os.environ.get("MAPCOURSE_SCREENSHOTS")
    if not folder:
        return
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    from PIL import Image

    with Image.open(path) as image:  # 256 colours: a few tens of kB per page
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)


def test_formgrader_lists_the_assignment_and_the_students_by_name(page, server):
    page.goto(f"{server}/formgrader/manage_assignments")
    page.wait_for_selector(f"#main-table td >> text={STAGE.id}")
    screenshot(page, "manage-assignments")
    page.goto(f"{server}/formgrader/manage_students")
    page.wait_for_selector("#main-table td >> text=Lovelace")
    table = page.inner_text("#main-table")
    assert "Gauss, Carl" in table and "None, None" not in table
    screenshot(page, "manage-students")
    assert page.outside == []


def test_a_derivation_is_typeset_offline_and_graded_by_hand(page, server):
    page.goto(f"{server}/formgrader/gradebook/{STAGE.id}/{STAGE.id}")
    link = page.wait_for_selector("#main-table a[href*='/formgrader/submissions/']")
    screenshot(page, "submissions")  # one submission, its student's name hidden
    page.goto(server + link.get_attribute("href"))
    derivation = f"{STAGE.id.split('_')[0]}-derivation"
    box = page.wait_for_selector(f"input.score#{derivation}")
    page.wait_for_selector("mjx-container")  # MathJax, from the course folder, typeset it
    assert "\\frac" not in page.inner_text("body")
    with page.expect_response(lambda response: "/formgrader/api/grade/" in response.url
                              and response.request.method == "PUT") as saved:
        box.fill(str(MANUAL))
        box.press("Tab")
    assert saved.value.ok
    box.scroll_into_view_if_needed()
    screenshot(page, "grade-derivation")
    page.goto(f"{server}/formgrader/manage_students/{STUDENT}/{STAGE.id}")
    expected = f"{STAGE.points + MANUAL:g} / {STAGE.points + STAGE.derivation_points:g}"
    page.wait_for_selector(f"#main-table td >> text={expected}")
    screenshot(page, "gradebook")
    assert page.outside == []


def test_the_feedback_names_each_test_and_typesets_offline(page, server, course_dir):
    driver.nbgrader(course_dir, "generate_feedback", STAGE.id)  # after the manual grade
    feedback = course_dir / "feedback" / STUDENT / STAGE.id / f"{STAGE.id}.html"
    page.goto(feedback.as_uri())  # opened from the course folder, as a file
    page.wait_for_selector("#toc li")
    page.wait_for_selector("mjx-container")  # the course's MathJax, relative to the page
    contents = page.inner_text("#toc")
    assert "Test cell" not in contents and "Derivation" in contents
    assert f"(Score: {MANUAL:.1f} / {STAGE.derivation_points:.1f})" in contents
    screenshot(page, "feedback")
    assert page.outside == []
