"""Submissions whose stage files are suspiciously alike: with each other, and with the
reference solution.

Each stage file is fingerprinted once (`fingerprints`: copydetect's normalisation, every
k-gram of 25 characters). Two checks follow, stage by stage:

- a submission *matches the reference* (a leaked copy) when at least `threshold` of its
  own code is found in solutions/<stage>.py and at least `threshold` of the reference's
  code is found in it; only the stub in exercises/ is left out as given;
- two submissions are *alike* when at least `threshold` of each one's own code is found in
  the other, the stub and the reference solution left out, so that two students are alike
  only in what they wrote themselves. An inverted index (`index`) finds the pairs.

"Own code" is the positions of the normalised file whose fingerprint is not given; a
share is the part of them whose fingerprint the other file holds, over at least
MIN_OVERLAP characters (a one-line function alike in two files says nothing). Alike
submissions form clusters: the connected groups of a stage's alike pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mapcourse.grading.uploads import Stubs, locate, stage_source
from mapcourse.manifest import Course, Stage
from mapcourse.report import fingerprints, index, install_command
from mapcourse.report.fingerprints import Fingerprint, K

CONTEXT = 2  # lines of unmatched code shown around a matching region
THRESHOLD = 0.6  # the default share of each stage file's own code found in the other
MIN_OVERLAP = 100  # characters of normalised code in common (names are one letter each)
MIN_FOUND = MIN_OVERLAP - K + 1  # fingerprints in a run of MIN_OVERLAP characters
SHOWN = 50  # pairs, and matches of the reference, shown each with a side-by-side page
GONE_NAMED = 10  # folders named when they are gone


@dataclass(frozen=True)
class StageMatch:
    """One stage of a pair: how much of each file's own code is found in the other.
    `left` and `right` are the files as (text, matched) pieces, for what the report shows
    side by side; empty otherwise."""

    stage: Stage
    shares: tuple[float, float]  # of the first file's own code, of the second's
    overlap: int  # fingerprints of the first file found in the second
    left: tuple[tuple[str, bool], ...] = ()
    right: tuple[tuple[str, bool], ...] = ()

    def excerpts(self) -> tuple[tuple, tuple]:
        """Both sides cut to their matching regions and CONTEXT lines around them."""
        return excerpt(self.left), excerpt(self.right)

    @property
    def share(self) -> float:
        """The smaller of the two shares: how much both files have in common."""
        return min(self.shares)


@dataclass(frozen=True)
class Pair:
    """Two students (`second` is REFERENCE for a match of the reference solution)."""

    first: str
    second: str
    stages: tuple[StageMatch, ...]  # the flagged stages, in course order

    @property
    def share(self) -> float:
        return max(match.share for match in self.stages)

    @property
    def shown(self) -> bool:
        """Whether the pieces are there to show the pair side by side."""
        return bool(self.stages[0].left)


REFERENCE = "the reference solution"


@dataclass(frozen=True)
class Cluster:
    """Submissions of one stage linked by alike pairs (a connected group), the most central
    first; `shared` is its file with what at least half of the others hold marked."""

    stage: Stage
    members: tuple[str, ...]
    shares: tuple[float, ...]  # each member's share (the smaller way) with the first
    pairs: int  # alike pairs within the cluster
    shared: tuple[tuple[str, bool], ...] = ()

    def excerpt(self) -> tuple:
        return excerpt(self.shared)


@dataclass(frozen=True)
class Similarity:
    """What the check found. `pairs` holds the SHOWN most alike pairs of students (of
    `pair_count`), `reference` every submission that matches the reference solution, most
    alike first; `missing` names the submissions whose folders are gone (`gone` says
    where), and `unavailable` why nothing was compared at all."""

    threshold: float
    pairs: tuple[Pair, ...] = ()
    pair_count: int = 0
    clusters: tuple[Cluster, ...] = ()
    reference: tuple[Pair, ...] = ()
    submissions: int = 0  # submissions whose files were read and compared
    missing: tuple[str, ...] = ()
    gone: str = ""
    unavailable: str = ""
    stages: tuple[Stage, ...] = field(default=())

    @property
    def compared(self) -> int:
        """Pairs of submissions compared."""
        return self.submissions * (self.submissions - 1) // 2

    @property
    def nothing_compared(self) -> str:
        """Why no file was compared, or "" when some were."""
        if self.unavailable:
            return self.unavailable
        if not self.submissions:
            return self.gone or "no submission to compare"
        return ""


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


def find_similar(folders: dict[str, Path], course: Course, threshold: float = THRESHOLD,
                 shown: int = SHOWN) -> Similarity:
    """Compare the submissions in `folders` (id -> folder) with each other and with the
    reference solution, stage by stage; the `shown` most alike keep their pieces."""
    if why := fingerprints.available():
        return Similarity(threshold, unavailable=f"{why}: {install_command()}")
    stubs = Stubs(course)
    sources, gone = {}, {}
    for student, folder in folders.items():
        try:
            if not folder.is_dir():
                raise FileNotFoundError(folder)
            sources[student] = stage_sources(folder, course, stubs)
        except OSError:  # moved or deleted since grading
            gone[student] = folder
    missing = tuple(sorted(gone))
    students = sorted(sources)
    if not students:
        return Similarity(threshold, missing=missing, gone=describe_gone(gone),
                          stages=course.stages)
    normalised: dict = {}  # each top-level statement read once for the whole class
    checks = [_StageCheck(course, stage, students, sources, threshold, normalised)
              for stage in course.stages]
    pairs, count = _top_pairs(checks, students, shown)
    reference = _reference(checks, students, shown)
    clusters = tuple(sorted((cluster for check in checks for cluster in check.clusters()),
                            key=lambda c: (-len(c.members), c.stage.number, c.members)))
    return Similarity(threshold, pairs, count, clusters, reference, len(students), missing,
                      describe_gone(gone) if gone else "", stages=course.stages)


def describe_gone(gone: dict[str, Path]) -> str:
    """Which submission folders no longer exist, named in one line."""
    folders = sorted(gone.values())
    names = [folder.name for folder in folders]
    listed = ", ".join(names[:GONE_NAMED]) + (f" and {len(names) - GONE_NAMED} more"
                                              if len(names) > GONE_NAMED else "")
    parents = {folder.parent for folder in folders}
    where = f" in {parents.pop()}" if len(parents) == 1 else ""
    return (f"{len(folders)} of the submission folders saved in class.json no longer "
            f"exist{where} ({listed}): moved or deleted since grading")


class _StageCheck:
    """One stage: every file fingerprinted once, and the shares between them."""

    def __init__(self, course: Course, stage: Stage, students: list[str],
                 sources: dict[str, dict[str, str]], threshold: float,
                 normalised: dict) -> None:
        self.stage, self.threshold = stage, threshold
        self.holders = [index_ for index_, student in enumerate(students)
                        if stage.id in sources[student]]
        self.names = [students[index_] for index_ in self.holders]
        by_text: dict[str, Fingerprint] = {}  # files alike byte for byte: fingerprinted once
        self.prints = [by_text.get(text) or by_text.setdefault(text, fingerprints.fingerprint(
            text, normalised)) for text in (sources[name][stage.id] for name in self.names)]
        stub = _given(course.exercises_dir / stage.filename, normalised)
        self.reference = _given(course.solutions_dir / stage.filename, normalised)
        given = self.reference.unique() if self.reference else np.array([], dtype=np.int64)
        stub_hashes = stub.unique() if stub else np.array([], dtype=np.int64)
        self.mine = [~fp.found_in(stub_hashes) for fp in self.prints]  # beyond the stub
        self.own = [mine & ~fp.found_in(given) for fp, mine in zip(self.prints, self.mine,
                                                                     strict=True)]
        self.reference_own = (~self.reference.found_in(stub_hashes) if self.reference
                              else None)
        rows = [fp.hashes[own] for fp, own in zip(self.prints, self.own, strict=True)]
        found = index.found_counts(rows)
        totals = np.array([len(row) for row in rows], dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.share = np.where(totals[:, None] > 0, found / totals[:, None], 0.0)
        both = np.minimum(self.share, self.share.T)
        alike = (both >= threshold) & (np.minimum(found, found.T) >= MIN_FOUND)
        self.first, self.second = np.nonzero(np.triu(alike, 1))
        self.found = found

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The alike pairs as the students' indices in the class, and each pair's share."""
        holders = np.asarray(self.holders, dtype=np.int64)
        both = np.minimum(self.share[self.first, self.second],
                          self.share[self.second, self.first])
        return holders[self.first], holders[self.second], both

    def match(self, first: int, second: int, pieces: bool) -> StageMatch:
        """The stage of the pair (first, second): indices among the class's students."""
        a, b = self.holders.index(first), self.holders.index(second)
        shares = (float(self.share[a, b]), float(self.share[b, a]))
        if not pieces:
            return StageMatch(self.stage, shares, int(self.found[a, b]))
        left, right = self.prints[a], self.prints[b]
        marked_left = self.own[a] & left.found_in(right.unique(self.own[b]))
        marked_right = self.own[b] & right.found_in(left.unique(self.own[a]))
        return StageMatch(self.stage, shares, int(self.found[a, b]),
                          left.pieces(marked_left), right.pieces(marked_right))

    def reference_match(self, position: int, pieces: bool) -> StageMatch | None:
        """How the `position`-th holder's file matches the reference, when it does."""
        if self.reference is None:
            return None
        fp, mine, ref_own = self.prints[position], self.mine[position], self.reference_own
        in_reference = mine & fp.found_in(self.reference.unique(ref_own))
        in_student = ref_own & self.reference.found_in(fp.unique(mine))
        counts = (int(in_reference.sum()), int(in_student.sum()))
        if not mine.any() or not ref_own.any() or min(counts) < MIN_FOUND:
            return None
        shares = (counts[0] / int(mine.sum()), counts[1] / int(ref_own.sum()))
        if min(shares) < self.threshold:
            return None
        if not pieces:
            return StageMatch(self.stage, shares, counts[0])
        return StageMatch(self.stage, shares, counts[0], fp.pieces(in_reference),
                          self.reference.pieces(in_student))

    def clusters(self) -> list[Cluster]:
        """The connected groups of this stage's alike pairs."""
        parent = list(range(len(self.holders)))

        def root(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        for a, b in zip(self.first.tolist(), self.second.tolist(), strict=True):
            parent[root(a)] = root(b)
        groups: dict[int, list[int]] = {}
        for node in sorted({*self.first.tolist(), *self.second.tolist()}):
            groups.setdefault(root(node), []).append(node)
        return [self._cluster(members) for members in groups.values()]

    def _cluster(self, members: list[int]) -> Cluster:
        inside = np.asarray(members)
        both = np.minimum(self.share, self.share.T)[np.ix_(inside, inside)]
        np.fill_diagonal(both, 0.0)
        centre = int(inside[np.argmax(both.sum(axis=1))])
        others = sorted((m for m in members if m != centre),
                        key=lambda m: (-min(self.share[centre, m], self.share[m, centre]),
                                       self.names[m]))
        held = sum(self.prints[centre].found_in(self.prints[m].unique(self.own[m])).astype(int)
                   for m in others)
        marked = self.own[centre] & (held * 2 >= len(others))
        shares = tuple(float(min(self.share[centre, m], self.share[m, centre]))
                       for m in others)
        pairs = int(np.count_nonzero(np.isin(self.first, inside)))
        return Cluster(self.stage, (self.names[centre], *(self.names[m] for m in others)),
                       (1.0, *shares), pairs, self.prints[centre].pieces(marked))


def _given(path: Path, normalised: dict) -> Fingerprint | None:
    """The fingerprint of a file every student was given or shown, if the course has it."""
    try:
        return fingerprints.fingerprint(path.read_text(encoding="utf-8"), normalised)
    except OSError:
        return None


def _top_pairs(checks: list[_StageCheck], students: list[str],
               shown: int) -> tuple[tuple[Pair, ...], int]:
    """The `shown` most alike pairs, with every stage flagged, and how many pairs there are."""
    n = len(students)
    edges = [check.edges() for check in checks]
    keys = np.concatenate([first * n + second for first, second, _ in edges])
    shares = np.concatenate([share for _, _, share in edges])
    if not len(keys):
        return (), 0
    order = np.lexsort((keys, -shares))
    keys, shares = keys[order], shares[order]
    pairs, first_seen = np.unique(keys, return_index=True)  # each pair at its best stage
    ranked = pairs[np.argsort(first_seen, kind="stable")][:shown]
    flagged = [set((first * n + second).tolist()) for first, second, _ in edges]
    result = []
    for key in ranked.tolist():
        first, second = divmod(key, n)
        result.append(Pair(students[first], students[second], tuple(
            check.match(first, second, pieces=True)
            for check, keys_ in zip(checks, flagged, strict=True) if key in keys_)))
    return tuple(result), len(pairs)


def _reference(checks: list[_StageCheck], students: list[str], shown: int) -> tuple[Pair, ...]:
    """Every submission matching the reference on some stage, most alike first."""
    found: dict[int, list[tuple[_StageCheck, int, StageMatch]]] = {}
    for check in checks:
        for position, student in enumerate(check.holders):
            if match := check.reference_match(position, pieces=False):
                found.setdefault(student, []).append((check, position, match))
    ranked = sorted(found, key=lambda student: (-max(match.share for *_, match
                                                      in found[student]), student))
    return tuple(Pair(students[student], REFERENCE, tuple(
        check.reference_match(position, pieces=True) if rank < shown else match
        for check, position, match in found[student]))
        for rank, student in enumerate(ranked))


def excerpt(pieces: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, bool | None], ...]:
    """`pieces` with each long unmatched run cut to CONTEXT lines next to the matches; what
    is left out becomes one ("N lines", None) piece."""
    out: list[tuple[str, bool | None]] = []
    for index_, (text, matched) in enumerate(pieces):
        lines = text.split("\n")
        keep_head = CONTEXT + 1 if index_ > 0 else 0  # the rest of a matched line, then context
        keep_tail = CONTEXT + 1 if index_ < len(pieces) - 1 else 0
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
