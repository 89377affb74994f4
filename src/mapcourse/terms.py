"""What the grader promises every submission, in a module `check` can ship to students.

- `TEST_TIME_LIMIT`: the seconds one test may take before it counts as a timeout, the
  default of `mapcourse grade --timeout` and the limit of each test under `check`;
- `grader_requirements()`: the packages installed where submissions are graded, which
  are the course package's own dependencies (its optional extras are not installed).
"""

from __future__ import annotations

import importlib.metadata
import re

TEST_TIME_LIMIT = 10.0  # seconds one test may take
DISTRIBUTION = "mapcourse"  # the course package, as pip knows it


def grader_requirements() -> list[str]:
    """The course package's requirements without its optional extras, as its metadata
    lists them (`numpy>=1.26`, ...); [] when no installed distribution provides it."""
    try:
        listed = importlib.metadata.requires(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        listed = _requirements_of_the_installed_package()
    return [line for line in listed or () if "extra" not in line.partition(";")[2]]


def _requirements_of_the_installed_package() -> list[str] | None:
    """The requirements of whichever distribution installed the `mapcourse` package (a
    student's repository installs it under its own name)."""
    for name in importlib.metadata.packages_distributions().get(DISTRIBUTION, []):
        return importlib.metadata.requires(name)
    return None


def grader_packages() -> list[str]:
    """The names of the packages the grader installs for this Python (`numpy`, ...)."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # pytest needs packaging, so this is rare: keep every name
        return [re.split(r"[\s;<>=!~\[(]", line, maxsplit=1)[0] for line in grader_requirements()]
    wanted = [Requirement(line) for line in grader_requirements()]
    return [need.name for need in wanted if need.marker is None or need.marker.evaluate()]
