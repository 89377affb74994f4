"""Finding submissions: a folder of stage files, or a class folder of such folders.

A submission folder with a stage file at its top is graded as it is. One without
(its stage files nested, copies' names, notebooks) is located by the upload rules of
`uploads`, as Gradescope uploads are: nothing graded as it is changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapcourse.grading.uploads import Stubs, Upload, locate
from mapcourse.manifest import Course


class DiscoveryError(Exception):
    """A path that is not a submission or a class folder; the message says what to do."""


@dataclass(frozen=True)
class Submission:
    id: str
    path: Path
    upload: Upload | None = None  # where its stage files are, when they are not at its top


def discover(paths: list[Path], course: Course) -> list[Submission]:
    """The submissions named by `paths`, in order; each class folder sorted by name."""
    stage_files = {stage.filename for stage in course.stages}
    stubs = Stubs(course)

    def submission(folder: Path, name: str) -> Submission:
        return submission_at(folder, name, course, stubs)

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
            alone = submission(path.resolve(), path.resolve().name)
            if not (alone.upload and any(choice.chosen for choice in alone.upload.stages)):
                raise DiscoveryError(f"{path} holds no submission: no stage files "
                                     f"({min(stage_files)} ...) and no student folders")
            found.append(alone)
            continue
        found += [submission(child.resolve(), child.name) for child in students]
    seen: set[str] = set()
    for each in found:
        if each.id in seen:
            raise DiscoveryError(f"two submissions are named {each.id!r}: grade their "
                                 "class folders separately")
        seen.add(each.id)
    return found


def submission_at(folder: Path, name: str, course: Course, stubs: Stubs | None = None
                  ) -> Submission:
    """The submission in one student's folder, graded as it is when a stage file is at its
    top, else located by the upload rules."""
    if any((folder / stage.filename).is_file() for stage in course.stages):
        return Submission(name, folder)
    return Submission(name, folder, locate(folder, course, stubs or Stubs(course)))
