"""The textbook's navigation for the stages and their concept pages, from course.toml.

mkdocs.yml writes only the hand-written sections (Home, Instructors, Maintainers) and, in the
two course sections, what is no stage's (the Stages section's index page, the references);
`course_nav` fills those two sections from the manifest, in its order:

- "Textbook": each stage's `reading` pages, then its `concept` page (a page is listed once),
- "Stages": each stage's `page`.

The mkdocs hook applies it in `on_config`. `generate()` also writes the whole navigation as
plain data, `build/textbook/nav.yml` (the `nav:` of mkdocs.yml with the course sections
filled), for a builder that runs no hooks: it can read its navigation from that file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from mapcourse.manifest import Course

TEXTBOOK, STAGES = "Textbook", "Stages"


class _Loader(yaml.SafeLoader):
    """YAML's safe loader that reads mkdocs' `!!python/...` and `!ENV` tags as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_nav(config_file: Path) -> list | None:
    """The `nav:` that a mkdocs.yml writes by hand (None when it has none)."""
    return (yaml.load(config_file.read_text(), Loader=_Loader) or {}).get("nav")


def nav_data(course: Course, config_file: Path) -> str:
    """The whole navigation as YAML: mkdocs.yml's `nav:` with the course sections filled."""
    return yaml.safe_dump({"nav": course_nav(course, mkdocs_nav(config_file))},
                          sort_keys=False, allow_unicode=True)


def concept_pages(course: Course) -> list[str]:
    """The textbook pages that teach the stages, in the course's order, each once."""
    pages: list[str] = []
    for stage in course.stages:
        for page in (*stage.reading, stage.concept):
            if page not in pages:
                pages.append(page)
    return pages


def stage_pages(course: Course) -> list[str]:
    """Each stage's page, in the course's order."""
    return [stage.page for stage in course.stages]


def course_nav(course: Course, nav: list | None) -> list:
    """`nav` (mkdocs' list of entries) with the Textbook and Stages sections filled in.

    A section's index page written by hand (`stages/index.md`) stays first, the manifest's
    pages follow in the manifest's order, then the section's other hand-written entries
    (`references.md`); a page is never listed twice. A missing Textbook section is added after
    the first entry (Home), a missing Stages section right after Textbook.
    """
    result = [dict(entry) if isinstance(entry, dict) else entry for entry in (nav or [])]
    for title, pages, after in ((TEXTBOOK, concept_pages(course), None),
                                (STAGES, stage_pages(course), TEXTBOOK)):
        index = _section(result, title)
        if index is None:
            index = _section(result, after) if after else None
            index = min(len(result), 1) if index is None else index + 1
            result.insert(index, {title: []})
        written = list(result[index][title] or [])
        first = [entry for entry in written if _is_index(entry) and entry not in pages]
        rest = [entry for entry in written if not _is_index(entry) and entry not in pages]
        result[index][title] = first + pages + rest
    return result


def _is_index(entry: object) -> bool:
    """A section's own page: `index.md` or `<folder>/index.md`, given as a bare path."""
    return isinstance(entry, str) and entry.rsplit("/", 1)[-1] == "index.md"


def _section(nav: list, title: str) -> int | None:
    """The position of the section called title in nav, or None."""
    return next((i for i, entry in enumerate(nav) if isinstance(entry, dict) and title in entry),
                None)


def nav_pages(nav: list) -> list[str]:
    """Every page a navigation lists, depth first."""
    pages: list[str] = []
    for entry in nav:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages
