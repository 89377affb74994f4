"""The course's own textbook content: the module course.toml registers as `[site] content`.

The build (`pipeline`) and the notebooks (`notebooks`) both ask for it here; a course without
`[site] content` gets None, and its textbook only the manifest's fragments. The module's
functions are described in mapcourse.site.textbook, this course's content.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from mapcourse.manifest import Course


def site_content(course: Course) -> ModuleType | None:
    """The module course.toml registers for the textbook's computed content, or None."""
    return importlib.import_module(course.site_content) if course.site_content else None
