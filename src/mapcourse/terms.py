"""What the grader promises every submission, in a module `check` can ship to students.

- `TEST_TIME_LIMIT`: the seconds one test may take before it counts as a timeout, the
  default of `mapcourse grade --timeout` and the limit of each test under `check`;
- `grader_requirements()`: the packages installed where submissions are graded, which
  are the course package's own dependencies (its optional extras are not installed). A
  student repository ships them in `GRADER_REQUIREMENTS` beside this module, since its
  own package also lists the tools only students use.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

TEST_TIME_LIMIT = 10.0  # seconds one test may take
DISTRIBUTION = "mapcourse"  # the course package, as pip knows it
GRADER_REQUIREMENTS = "grader-requirements.txt"  # written into a student repository's copy


def grader_requirements() -> list[str]:
    """The course package's requirements without its optional extras, as its metadata
    lists them (`numpy>=1.26`, ...), or as a student repository's copy of this package
    records them; [] when neither is there."""
    shipped = Path(__file__).with_name(GRADER_REQUIREMENTS)
    if shipped.is_file():
        return [line for line in shipped.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
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


def requirement_name(line: str) -> str:
    """The package a requirement line names: `torch==2.13.0` gives `torch`."""
    return re.split(r"[\s;<>=!~\[(]", line.strip(), maxsplit=1)[0]


def grader_packages() -> list[str]:
    """The names of the packages the grader installs for this Python (`numpy`, ...)."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # pytest needs packaging, so this is rare: keep every name
        return [requirement_name(line) for line in grader_requirements()]
    wanted = [Requirement(line) for line in grader_requirements()]
    return [need.name for need in wanted if need.marker is None or need.marker.evaluate()]
