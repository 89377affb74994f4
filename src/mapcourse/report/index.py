"""How much of each file is found in each other file, from an inverted index of
fingerprints, without comparing every pair of files.

Every fingerprint is listed once with the files that hold it (fingerprint -> files).
A fingerprint that one file alone holds links no pair and is dropped. Fingerprints held
by the same files (in a leaked solution, nearly all of them: every copy holds them) are
merged, so the work grows with the number of distinct sets of files that share code and
with the size of each, not with the square of the class.
"""

from __future__ import annotations

import numpy as np


def found_counts(rows: list[np.ndarray]) -> np.ndarray:
    """found[a, b]: how many positions of file a hold a fingerprint that file b holds too
    (a != b; the diagonal means nothing). `rows[a]` holds file a's fingerprint at each of
    its positions."""
    n = len(rows)
    found = np.zeros((n, n), dtype=np.int64)
    distinct = [np.unique(row, return_counts=True) for row in rows]
    if n < 2 or not any(len(hashes) for hashes, _ in distinct):
        return found
    files = np.concatenate([np.full(len(hashes), index, dtype=np.int64)
                            for index, (hashes, _) in enumerate(distinct)])
    hashes = np.concatenate([hashes for hashes, _ in distinct])
    weights = np.concatenate([counts for _, counts in distinct])
    _, column, holders = np.unique(hashes, return_inverse=True, return_counts=True)
    shared = holders[column] >= 2
    files, column, weights = files[shared], column[shared], weights[shared]
    if not len(files):
        return found
    # Fingerprints held by the same set of files have the same sum of the files' salts.
    salt = np.random.default_rng(0).integers(1, 2**63, size=n, dtype=np.uint64)
    signature = np.zeros(column.max() + 1, dtype=np.uint64)
    np.add.at(signature, column, salt[files])
    _, group = np.unique(signature, return_inverse=True)
    entry_group = group.reshape(-1)[column].astype(np.int64)
    key, where = np.unique(entry_group * n + files, return_inverse=True)
    weight = np.bincount(where.reshape(-1), weights=weights).astype(np.int64)
    starts = np.flatnonzero(np.diff(key // n, prepend=-1))
    for start, end in zip(starts, [*starts[1:], len(key)], strict=True):
        members = key[start:end] % n
        found[np.ix_(members, members)] += weight[start:end, None]
    return found
