"""mkdocs hook: the course's navigation from course.toml (`on_config`), and the textbook's
generated files (`mapcourse.site.generate`) before a build.

mkdocs loads this file by path, so it puts this checkout's src/ first on sys.path: the site
is always built from the code beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mapcourse.manifest import load_course  # noqa: E402
from mapcourse.site import katex  # noqa: E402
from mapcourse.site.nav import course_nav  # noqa: E402
from mapcourse.site.notebooks import with_download_note  # noqa: E402
from mapcourse.site.pdf import tidy_print_page  # noqa: E402
from mapcourse.site.pipeline import generate  # noqa: E402


def on_config(config):
    """Fill the nav's Textbook and Stages sections from course.toml (see mapcourse.site.nav).

    A mkdocs.yml without `nav:` keeps mkdocs' own navigation (every page, by file name)."""
    if config["nav"] is not None:
        load_course.cache_clear()  # `mkdocs serve` reloads the config after course.toml changes
        root = Path(config.config_file_path).resolve().parent
        config["nav"] = course_nav(load_course(root), config["nav"])
    return config


def on_pre_build(config) -> None:
    """Generate KaTeX, figures and fragments next to the mkdocs.yml being built."""
    generate(Path(config.config_file_path).resolve().parent)


def on_page_markdown(markdown, page, config, files):
    """A download box for the page's notebook under the title (see mapcourse.site.notebooks)."""
    root = Path(config.config_file_path).resolve().parent
    return with_download_note(markdown, page.file.src_uri, root)


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
