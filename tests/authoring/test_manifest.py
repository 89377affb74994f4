"""course.toml is the only list of stages: numbers, navigation and totals come from it, and a
key it does not know is an error that names it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from mapcourse.manifest import ManifestError, load_course, parse_manifest
from mapcourse.site.nav import concept_pages, course_nav, mkdocs_nav, nav_pages
from tests.authoring.conftest import ROOT

COURSE = load_course(ROOT)
TEXT = (ROOT / "course.toml").read_text()


def test_an_unknown_stage_key_is_an_error_that_names_it(tmp_path):
    text = TEXT.replace('points = 10\n', 'points = 10\npionts = 10\n', 1)
    with pytest.raises(ManifestError, match=r"unknown key 'pionts' in stage 1"):
        parse_manifest(tmp_path, text)


@pytest.mark.parametrize("table, line", [("[course]", "titel = 'x'"), ("[site]", "contents = 'x'"),
                                         ("[generated]", "nbgrade = 'x'")])
def test_an_unknown_key_of_any_table_is_an_error_that_names_it(tmp_path, table, line):
    text = (TEXT.replace(f"{table}\n", f"{table}\n{line}\n", 1) if f"{table}\n" in TEXT
            else f"{TEXT}\n{table}\n{line}\n")
    key = line.split()[0]
    with pytest.raises(ManifestError, match=f"unknown key '{key}' in " + re.escape(table)):
        parse_manifest(tmp_path, text)


def test_an_unknown_table_is_an_error_that_names_it(tmp_path):
    with pytest.raises(ManifestError, match=r"unknown key 'stage' in the top level"):
        parse_manifest(tmp_path, TEXT + "\n[stage]\nid = 'x'\n")


def test_a_missing_key_is_named(tmp_path):
    text = re.sub(r'^concept = "mle-blind-spot.md"\n', "", TEXT, count=1, flags=re.M)
    with pytest.raises(ManifestError, match=r"stage 1 .* has no 'concept'"):
        parse_manifest(tmp_path, text)


def test_the_command_says_what_is_wrong_in_one_line(tmp_path):
    (tmp_path / "course.toml").write_text(TEXT.replace("[course]\n", "[course]\nauthor = 'x'\n"))
    done = subprocess.run([sys.executable, "-m", "mapcourse", "hint", "1"], cwd=tmp_path,
                          capture_output=True, text=True,
                          env={"MAPCOURSE_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "unknown key 'author' in [course]" in done.stderr
    assert "Traceback" not in done.stderr


def test_stage_numbers_are_the_manifests_order(tmp_path):
    entries = TEXT.split("\n[[stages]]\n")
    swapped = "\n[[stages]]\n".join([entries[0], entries[2], entries[1], *entries[3:]])
    course = parse_manifest(tmp_path, swapped)
    assert [stage.number for stage in course.stages] == list(range(1, len(COURSE.stages) + 1))
    assert course.stages[0].id == COURSE.stages[1].id
    assert course.stage("1") is course.stages[0]


def test_mkdocs_yml_lists_no_stage_page_and_no_concept_page():
    written = set(nav_pages(mkdocs_nav(ROOT / "mkdocs.yml")))
    manifest = {stage.page for stage in COURSE.stages} | set(concept_pages(COURSE))
    assert written & manifest == set()


def test_the_site_nav_lists_every_stage_and_concept_in_the_manifests_order():
    nav = course_nav(COURSE, mkdocs_nav(ROOT / "mkdocs.yml"))
    sections = {title: pages for entry in nav if isinstance(entry, dict)
                for title, pages in entry.items()}
    assert sections["Stages"] == ["stages/index.md", *(stage.page for stage in COURSE.stages)]
    textbook = sections["Textbook"]
    assert textbook[:len(concept_pages(COURSE))] == concept_pages(COURSE)
    for stage in COURSE.stages:  # a stage's reading comes before its concept page
        for page in stage.reading:
            assert textbook.index(page) < textbook.index(stage.concept)


def test_the_nav_keeps_hand_written_entries_and_adds_missing_sections():
    nav = course_nav(COURSE, [{"Home": "index.md"}, {"More": ["x.md"]}])
    assert [next(iter(entry)) for entry in nav] == ["Home", "Textbook", "Stages", "More"]
    nav = course_nav(COURSE, [{"Stages": ["stages/index.md", COURSE.stages[0].page]},
                              {"Textbook": ["references.md"]}])
    stages = nav[0]["Stages"]
    assert stages == ["stages/index.md", *(stage.page for stage in COURSE.stages)]
    assert nav[1]["Textbook"] == [*concept_pages(COURSE), "references.md"]


def test_the_generated_nav_file_is_the_hooks_nav(tmp_path):
    from mapcourse.site.nav import nav_data

    nav = yaml.safe_load(nav_data(COURSE, ROOT / "mkdocs.yml"))["nav"]
    assert nav == course_nav(COURSE, mkdocs_nav(ROOT / "mkdocs.yml"))


def test_the_commands_description_is_the_manifests():
    done = subprocess.run([sys.executable, "-m", "mapcourse", "--help"], cwd=ROOT,
                          capture_output=True, text=True)
    assert COURSE.description and COURSE.description in " ".join(done.stdout.split())


def test_the_readme_counts_no_stage_outside_its_generated_table():
    text = (ROOT / "README.md").read_text()
    outside = re.sub(r"<!-- stages: begin -->.*?<!-- stages: end -->", "", text, flags=re.S)
    count_words = ("six stages", "seven stages", f"{len(COURSE.stages)} stages",
                   f"{COURSE.max_score} points")
    assert not [word for word in count_words if word in outside.lower()]
    for stage in COURSE.stages:
        assert f"`{stage.filename}`" in text
