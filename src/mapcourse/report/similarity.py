"""Pairs of submissions whose stage files are suspiciously alike.

copydetect (winnowing fingerprints, after pygments has replaced every name by one letter
and dropped comments and strings) compares each stage file with the same stage of every
other submission. The code every student was given or shown is left out as
boilerplate: the stub in exercises/ and the reference solution, so that two students are
alike only in what they wrote themselves. A stage is flagged when at least `threshold` of
each file's own code is found in the other, over at least MIN_OVERLAP characters of the
normalised code (a one-line function alike in two files says nothing).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from mapcourse.grading.uploads import Stubs, locate, stage_source
from mapcourse.manifest import Course, Stage

CONTEXT = 2  # lines of unmatched code shown around a matching region
THRESHOLD = 0.6  # the default share of each stage file's own code found in the other
MIN_OVERLAP = 100  # characters of normalised code (names are one letter each)
NOISE = 25  # copydetect's defaults: k-grams of 25 characters, every one kept
GUARANTEE = 25


@dataclass(frozen=True)
class StageMatch:
    """One stage of a pair: how much of each file is found in the other, and where."""

    stage: Stage
    shares: tuple[float, float]  # of the first file's own code, of the second's
    overlap: int  # characters of normalised code in common
    left: tuple[tuple[str, bool], ...]  # the first file as (text, matched) pieces
    right: tuple[tuple[str, bool], ...]

    def excerpts(self) -> tuple[tuple, tuple]:
        """Both sides cut to their matching regions and CONTEXT lines around them."""
        return excerpt(self.left), excerpt(self.right)

    @property
    def share(self) -> float:
        """The smaller of the two shares: how much both files have in common."""
        return min(self.shares)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    stages: tuple[StageMatch, ...]  # the flagged stages, in course order

    @property
    def share(self) -> float:
        return max(match.share for match in self.stages)


@dataclass(frozen=True)
class Similarity:
    """The flagged pairs, most alike first; `missing` names submissions whose files
    could not be read again, and `unavailable` why nothing was compared at all."""

    threshold: float
    pairs: tuple[Pair, ...] = ()
    compared: int = 0
    missing: tuple[str, ...] = ()
    unavailable: str = ""


def stage_sources(folder: Path, course: Course, stubs: Stubs | None = None) -> dict[str, str]:
    """The code of each stage a submission folder holds, as the grader reads it: its own
    stage files, or the ones the upload rules choose (a notebook as its code cells)."""
    if any((folder / stage.filename).is_file() for stage in course.stages):
        return {stage.id: (folder / stage.filename).read_text(encoding="utf-8",
                                                               errors="replace")
                for stage in course.stages if (folder / stage.filename).is_file()}
    upload = locate(folder, course, stubs)
    return {choice.stage: stage_source(choice.chosen) for choice in upload.stages
            if choice.chosen is not None}


def find_similar(folders: dict[str, Path], course: Course,
                 threshold: float = THRESHOLD) -> Similarity:
    """Compare every pair of the submissions in `folders` (id -> folder), stage by stage."""
    try:
        from copydetect import CodeFingerprint
    except ImportError:
        return Similarity(threshold, unavailable="the similarity check needs copydetect: "
                                                 "pip install 'mapcourse[instructor]'")
    stubs = Stubs(course)
    sources, missing = {}, []
    for student, folder in folders.items():
        try:
            if not folder.is_dir():
                raise FileNotFoundError(folder)
            sources[student] = stage_sources(folder, course, stubs)
        except OSError:  # moved or deleted since grading
            missing.append(student)
    students = sorted(sources)
    matches: dict[tuple[str, str], list[StageMatch]] = {}
    for stage in course.stages:
        given = _boilerplate(course, stage, CodeFingerprint)
        by_text: dict[str, object] = {}  # files alike byte for byte are fingerprinted once
        prints = {student: by_text.get(text) or by_text.setdefault(text, CodeFingerprint(
                      stage.filename, NOISE, GUARANTEE - NOISE + 1, boilerplate=given,
                      language="python", fp=io.StringIO(text)))
                  for student in students
                  if (text := sources[student].get(stage.id)) is not None}
        for index, first in enumerate(students):
            for second in students[index + 1:]:
                if first in prints and second in prints and \
                        (match := _compare(stage, prints[first], prints[second], threshold)):
                    matches.setdefault((first, second), []).append(match)
    pairs = sorted((Pair(first, second, tuple(found))
                    for (first, second), found in matches.items()),
                   key=lambda pair: (-pair.share, pair.first, pair.second))
    return Similarity(threshold, tuple(pairs), len(students) * (len(students) - 1) // 2,
                      tuple(sorted(missing)))


def _boilerplate(course: Course, stage: Stage, fingerprint):
    import numpy as np

    hashes: set[int] = set()
    for folder in (course.exercises_dir, course.solutions_dir):
        path = folder / stage.filename
        if path.is_file():
            hashes |= fingerprint(str(path), NOISE, GUARANTEE - NOISE + 1,
                                  language="python").hashes
    return np.array(sorted(hashes))


def _compare(stage: Stage, first, second, threshold: float) -> StageMatch | None:
    from copydetect import compare_files

    if not first.hashes & second.hashes:
        return None
    overlap, shares, (left, right) = compare_files(first, second)
    if overlap < MIN_OVERLAP or min(shares) < threshold:
        return None
    return StageMatch(stage, (float(shares[0]), float(shares[1])), int(overlap),
                      _pieces(first.raw_code, left), _pieces(second.raw_code, right))


def _pieces(code: str, slices) -> tuple[tuple[str, bool], ...]:
    """`code` cut into its unmatched and matched pieces, in order."""
    pieces, done = [], 0
    for start, end in zip(slices[0].tolist(), slices[1].tolist(), strict=True):
        start, end = max(int(start), done), int(end)
        if start > done:
            pieces.append((code[done:start], False))
        if end > start:
            pieces.append((code[start:end], True))
        done = max(done, end)
    if done < len(code):
        pieces.append((code[done:], False))
    return tuple(pieces)


def excerpt(pieces: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, bool | None], ...]:
    """`pieces` with each long unmatched run cut to CONTEXT lines next to the matches; what
    is left out becomes one ("N lines", None) piece."""
    out: list[tuple[str, bool | None]] = []
    for index, (text, matched) in enumerate(pieces):
        lines = text.split("\n")
        keep_head = CONTEXT + 1 if index > 0 else 0  # the rest of a matched line, then context
        keep_tail = CONTEXT + 1 if index < len(pieces) - 1 else 0
        if matched or len(lines) <= keep_head + keep_tail + 1:
            out.append((text, matched))
            continue
        head, tail = lines[:keep_head], lines[len(lines) - keep_tail:]
        skipped = len(lines) - len(head) - len(tail)
        if head:
            out.append(("\n".join(head) + "\n", False))
        out.append((f"\u22ee {skipped} lines\n", None))
        if tail:
            out.append(("\n".join(tail), False))
    return tuple(out)
