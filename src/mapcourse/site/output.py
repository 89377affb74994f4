"""Writing generated files only when their bytes change.

`mkdocs serve` rebuilds when a file under docs/ changes; rewriting identical files on every
build would make it rebuild forever.
"""

from __future__ import annotations

from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write data to path unless the file already holds exactly these bytes; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
