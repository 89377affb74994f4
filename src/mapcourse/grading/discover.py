"""Finding submissions: a folder of stage files, or a class folder of such folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course


class DiscoveryError(Exception):
    """A path that is not a submission or a class folder; the message says what to do."""


@dataclass(frozen=True)
class Submission:
    id: str
    path: Path


def discover(paths: list[Path], course: Course) -> list[Submission]:
    """The submissions named by `paths`, in order; each class folder sorted by name."""
    stage_files = {stage.filename for stage in course.stages}
    found: list[Submission] = []
    for path in paths:
        if not path.exists():
            raise DiscoveryError(f"{path} does not exist: give a submission folder or a "
                                 "class folder")
        if not path.is_dir():
            raise DiscoveryError(f"{path} is a file: give the folder that holds the stage "
                                 "files (or a class folder of such folders)")
        if any((path / name).is_file() for name in stage_files):
            found.append(Submission(path.resolve().name, path.resolve()))
            continue
        students = sorted(child for child in path.iterdir() if child.is_dir()
                          and not child.name.startswith((".", "_")))
        if not students:
            raise DiscoveryError(f"{path} holds no submission: no stage files "
                                 f"({min(stage_files)} ...) and no student folders")
        found += [Submission(child.name, child.resolve()) for child in students]
    seen: set[str] = set()
    for submission in found:
        if submission.id in seen:
            raise DiscoveryError(f"two submissions are named {submission.id!r}: grade their "
                                 "class folders separately")
        seen.add(submission.id)
    return found
