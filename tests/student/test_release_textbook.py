"""The release links its textbook: every stage's link is the URL mkdocs gives its page under
the published address, and a release without an address is refused."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from mkdocs.structure.files import File

from mapcourse.manifest import Course
from mapcourse.release import site_url
from mapcourse.site.nav import course_nav, nav_pages
from tests.student.conftest import ROOT, mapcourse, release_cli

ELSEWHERE = "https://textbook.example.edu/mle-map/"


def page_url(address: str, page: str) -> str:
    """The address of a page of the built site: mkdocs' own URL for it (directory URLs)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    url = File(page, str(ROOT / config["docs_dir"]), "site",
               use_directory_urls=config.get("use_directory_urls", True)).url
    return address.rstrip("/") + "/" + url


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mapcourse release DIR` with no --textbook: the address comes from mkdocs.yml."""
    target = tmp_path_factory.mktemp("textbook") / "student-repo"
    done = release_cli(str(target))
    assert done.returncode == 0, done.stderr
    return target


def course_without_site_url(tmp_path: Path) -> dict[str, str]:
    """A copy of the course whose mkdocs.yml names no site_url; the environment to use it."""
    tmp_path.mkdir()
    for name in ("course.toml", "pyproject.toml", "solutions", "exercises", "autograder"):
        copier = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copier(ROOT / name, tmp_path / name)
    config = (ROOT / "mkdocs.yml").read_text()
    (tmp_path / "mkdocs.yml").write_text(re.sub(r"^site_url:.*\n", "", config, flags=re.M))
    return os.environ | {"MAPCOURSE_ROOT": str(tmp_path)}


def test_the_textbook_has_a_published_address(course: Course):
    address = site_url(course)
    assert address and address.startswith("https://") and address.endswith("/")


def test_every_stage_page_the_release_links_is_a_page_of_the_site(released, course: Course):
    """The README links each stage's built page: its docs source exists and is in the nav."""
    readme = (released / "README.md").read_text()
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    for stage in course.stages:
        assert (ROOT / config["docs_dir"] / stage.page).is_file(), stage.page
        assert stage.page in nav_pages(course_nav(course, config["nav"])), stage.page
        assert f"({page_url(config['site_url'], stage.page)})" in readme, stage.id
    assert json.loads((released / ".mapcourse/release.json").read_text())["textbook"] == (
        config["site_url"])


def test_checks_next_line_points_at_the_stages_page(released, course: Course):
    done = mapcourse(released, "check")
    first = course.stages[0]
    expected = page_url(site_url(course) or "", first.page)
    next_lines = " ".join(done.stdout.split("Next:", 1)[1].split())
    assert f"read {expected}," in next_lines, done.stdout


def test_textbook_flag_overrides_site_url(tmp_path, course: Course):
    done = release_cli(str(tmp_path / "repo"), "--textbook", ELSEWHERE)
    assert done.returncode == 0, done.stderr
    readme = (tmp_path / "repo" / "README.md").read_text()
    assert f"({page_url(ELSEWHERE, course.stages[0].page)})" in readme
    assert (site_url(course) or "unset") not in readme


def test_release_without_an_address_is_refused_and_says_what_to_pass(tmp_path):
    env = course_without_site_url(tmp_path / "course")
    done = release_cli(str(tmp_path / "repo"), cwd=tmp_path / "course", env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert "--textbook URL" in done.stderr and "site_url" in done.stderr
    assert not (tmp_path / "repo").exists()


def test_an_address_from_the_flag_makes_the_same_course_releasable(tmp_path):
    env = course_without_site_url(tmp_path / "course")
    done = release_cli(str(tmp_path / "repo"), "--textbook", ELSEWHERE, cwd=tmp_path / "course",
                       env=env)
    assert done.returncode == 0, done.stderr
    assert ELSEWHERE in (tmp_path / "repo" / "README.md").read_text()


@pytest.mark.parametrize("address", ["textbook.example.edu", "file:///srv/site", "https://"],
                         ids=["no scheme", "a local file", "no host"])
def test_a_textbook_that_is_not_a_web_address_is_refused(tmp_path, address):
    done = release_cli(str(tmp_path / "repo"), "--textbook", address)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not a web address" in done.stderr and repr(address) in done.stderr
    assert not (tmp_path / "repo").exists()
