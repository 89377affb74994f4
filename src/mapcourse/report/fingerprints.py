"""Stage files as fingerprints: copydetect's normalisation, then every k-gram's hash.

The one door to copydetect. pygments reads the code, every name becomes one letter and
comments, strings and white space are dropped (copydetect's `filter_code`), so renaming
variables and rewriting comments changes nothing. Each run of K characters of what is
left is one fingerprint (copydetect's defaults: k-grams of 25 characters, every one kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

K = 25  # characters of normalised code per fingerprint
NO_COPYDETECT = "the similarity check needs copydetect"


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """One file: the hash of the k-gram at each position of its normalised code, and
    copydetect's offsets that map a normalised position back to the file's own text."""

    raw: str
    hashes: np.ndarray  # int64, one per position of the normalised code
    offsets: np.ndarray  # (position, characters removed before it) rows

    def found_in(self, hashes: np.ndarray) -> np.ndarray:
        """Which positions have a fingerprint among `hashes` (a sorted unique array)."""
        return np.isin(self.hashes, hashes, assume_unique=False)

    def unique(self, keep: np.ndarray | None = None) -> np.ndarray:
        """The distinct fingerprints of the positions kept (all by default), sorted."""
        return np.unique(self.hashes if keep is None else self.hashes[keep])

    def pieces(self, marked: np.ndarray) -> tuple[tuple[str, bool], ...]:
        """The file cut into its unmarked and marked pieces, in order: a character is marked
        when a k-gram over it is at a `marked` position (a bool array, one per position)."""
        positions = np.flatnonzero(marked)
        if not len(positions):
            return ((self.raw, False),) if self.raw else ()
        breaks = np.flatnonzero(np.diff(positions) > K - 1)
        slices = np.array([np.concatenate([[positions[0]], positions[breaks + 1]]),
                           np.concatenate([positions[breaks] + K, [positions[-1] + K]])])
        if len(self.offsets):
            rows = np.clip(np.searchsorted(self.offsets[:, 0], slices), 0,
                           len(self.offsets) - 1)
            slices = slices + self.offsets[:, 1][rows]
        return _pieces(self.raw, slices)


def available() -> str:
    """Why fingerprints cannot be taken here, or "" when they can."""
    try:
        import copydetect.utils  # noqa: F401
    except ImportError:
        return NO_COPYDETECT
    return ""


def fingerprint(code: str, normalised: dict[str, tuple[str, list]] | None = None
                ) -> Fingerprint:
    """`code` (a Python file) normalised as copydetect does, and hashed K characters at a
    time; hashes are Python's own, so they compare within one process only.

    `normalised` keeps each top-level statement's normalised text across calls: files of
    one class share most of their statements (the stub's, the reference's, a leaked
    copy's), and pygments, reading them, takes nearly all of the time."""
    text, offsets = _normalise(code, {} if normalised is None else normalised)
    hashes = np.fromiter((hash(text[start:start + K]) for start in range(len(text) - K + 1)),
                         dtype=np.int64, count=max(0, len(text) - K + 1))
    return Fingerprint(code, hashes, np.asarray(offsets, dtype=np.int64).reshape(-1, 2))


def _normalise(code: str, normalised: dict[str, tuple[str, list]]) -> tuple[str, list]:
    """copydetect's filter_code of `code`, one top-level statement at a time: a statement
    that starts at the start of a line is read alike alone and in its file, so the pieces
    and their offsets (shifted to their place in the file) join into the whole file's."""
    texts, offsets, done, out = [], [], 0, 0
    for chunk in _statements(code):
        if chunk not in normalised:
            text, rows = _filter(chunk)
            normalised[chunk] = (text, rows)
        text, rows = normalised[chunk]
        offsets += [[out + position, done - out + removed] for position, removed in rows]
        texts.append(text)
        done, out = done + len(chunk), out + len(text)
    return "".join(texts), offsets


def _filter(code: str) -> tuple[str, list]:
    from copydetect.utils import filter_code

    text, rows = filter_code(code, "stage.py", "python")
    return text, np.asarray(rows, dtype=np.int64).reshape(-1, 2).tolist()


def _statements(code: str) -> list[str]:
    """`code` cut before each top-level statement (its decorators with it), or whole when
    it does not parse."""
    import ast

    try:
        body = ast.parse(code).body
    except (SyntaxError, ValueError):
        return [code] if code else []
    starts = sorted({min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
                     for node in body} - {1})
    line_starts = np.cumsum([0, *(len(line) + 1 for line in code.split("\n"))]).tolist()
    cuts = [0, *(line_starts[start - 1] for start in starts)]
    return [code[a:b] for a, b in zip(cuts, [*cuts[1:], len(code)], strict=True) if b > a]


def _pieces(code: str, slices: np.ndarray) -> tuple[tuple[str, bool], ...]:
    pieces, done = [], 0
    for start, end in zip(slices[0].tolist(), slices[1].tolist(), strict=True):
        start, end = max(int(start), done), min(int(end), len(code))
        if start > done:
            pieces.append((code[done:start], False))
        if end > start:
            pieces.append((code[start:end], True))
        done = max(done, end)
    if done < len(code):
        pieces.append((code[done:], False))
    return tuple(pieces)
