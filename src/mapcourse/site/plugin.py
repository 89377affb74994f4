"""The textbook's mkdocs plugin, `mapcourse` in a course's mkdocs.yml (`plugins: [mapcourse]`,
through the `mkdocs.plugins` entry point of the installed engine): the course's navigation
from course.toml, the textbook's generated files before a build, KaTeX only on pages with
maths, and the print page mended after it.

This course's own mkdocs.yml loads the same events by path (`mkdocs_hook.py`), so its site
is always built from the code beside it; a course made by `mapcourse new-course` names the
plugin and needs no path into the engine.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin

from mapcourse.manifest import load_course
from mapcourse.site import katex
from mapcourse.site.nav import course_nav
from mapcourse.site.notebooks import with_download_note
from mapcourse.site.pdf import tidy_print_page
from mapcourse.site.pipeline import generate


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config):
    """Fill the nav's Textbook and Stages sections from course.toml (see mapcourse.site.nav).

    A mkdocs.yml without `nav:` keeps mkdocs' own navigation (every page, by file name)."""
    if config["nav"] is not None:
        load_course.cache_clear()  # `mkdocs serve` reloads the config after course.toml changes
        config["nav"] = course_nav(load_course(_root(config)), config["nav"])
    return config


def on_pre_build(config) -> None:
    """Generate KaTeX, figures and fragments next to the mkdocs.yml being built."""
    generate(_root(config))


def on_page_markdown(markdown, page, config, files):
    """A download box for the page's notebook under the title (see mapcourse.site.notebooks)."""
    return with_download_note(markdown, page.file.src_uri, _root(config))


def on_page_content(html, page, config, files):
    """Keep the formulas' TeX out of the search index and its results."""
    return katex.exclude_maths_from_search(html)


def on_post_page(output, page, config):
    """KaTeX only on pages with maths: a page without loses its style sheet and scripts."""
    return output if katex.has_maths(output) else katex.without_katex(output)


def on_post_template(output, template_name, config):
    """The 404 page has no maths either."""
    return katex.without_katex(output) if template_name == "404.html" else output


def on_post_build(config) -> None:
    """Mend the print page (print_page/, the whole book on one page: see mapcourse.site.pdf)."""
    tidy_print_page(Path(config.site_dir))


class CoursePlugin(BasePlugin):
    """The events above, as a plugin."""

    def on_config(self, config):
        return on_config(config)

    def on_pre_build(self, *, config):
        on_pre_build(config)

    def on_page_markdown(self, markdown, *, page, config, files):
        return on_page_markdown(markdown, page, config, files)

    def on_page_content(self, html, *, page, config, files):
        return on_page_content(html, page, config, files)

    def on_post_page(self, output, *, page, config):
        return on_post_page(output, page, config)

    def on_post_template(self, output_content, *, template_name, config):
        return on_post_template(output_content, template_name, config)

    def on_post_build(self, *, config):
        on_post_build(config)
