"""docs/maintainers/writing-a-stage.md documents the whole authoring API, and shows the
example that `mapcourse new-stage` writes (included from it, so it cannot drift)."""

from __future__ import annotations

import inspect
import re

import mapcourse.checks as checks
from mapcourse.manifest import KNOWN_KEYS, load_course
from mapcourse.site.pipeline import authoring_fragments, page_fragments
from tests.authoring.conftest import ROOT

PAGE = ROOT / "docs" / "maintainers" / "writing-a-stage.md"


def public_helpers() -> list[str]:
    return [name for name, value in vars(checks).items() if not name.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == checks.__name__]


def test_the_page_names_every_public_helper_of_the_checks():
    text = PAGE.read_text()
    helpers = public_helpers()
    assert {"expect_close", "expect_raises", "expect_float", "show"} <= set(helpers)
    assert [name for name in helpers if f"`{name}" not in text] == []


def test_the_page_gives_each_helpers_keywords():
    text = PAGE.read_text()
    for name in public_helpers():
        value = getattr(checks, name)
        if inspect.isfunction(value):
            for parameter in inspect.signature(value).parameters:
                assert re.search(rf"`{name}\([^`]*\b{parameter}\b", text), (name, parameter)


def test_the_page_names_the_handle_the_marker_and_the_commands():
    text = PAGE.read_text()
    for name in ("`student`", "student.call(", "student.has(", "@pytest.mark.points(n)",
                 "mapcourse new-stage", "mapcourse regenerate", "regenerate --check"):
        assert name in text, name
    for key in KNOWN_KEYS["stages"]:
        assert f"`{key}`" in text, key


def test_the_worked_example_is_the_scaffolds_and_every_part_is_shown():
    text = PAGE.read_text()
    course = load_course(ROOT)
    shown = set(re.findall(r'^--8<-- "(authoring/[^"]+)"$', text, re.M))
    assert shown == set(authoring_fragments(course))
    assert set(authoring_fragments(course)) <= set(page_fragments(course))
