"""Writing generated files only when their bytes change.

`mkdocs serve` rebuilds when a file under docs/ changes; rewriting identical files on every
build would make it rebuild forever. A file is replaced whole (written beside, then renamed),
so a build running at the same time never reads half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write data to path unless the file already holds exactly these bytes; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.chmod(partial, 0o644)
    os.replace(partial, path)
    return True
