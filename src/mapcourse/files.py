"""Writing a file whole: to a temporary name beside it, then renamed over it.

A reader (an LMS import, `mkdocs serve`, a build running at the same time) never sees
half a file, and an interrupted run leaves whole files or none. A file that already
holds exactly these bytes is left alone: `mkdocs serve` rebuilds when a file under docs/
changes, and rewriting identical files on every build would make it rebuild forever.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> bool:
    """Write `data` (text is UTF-8) to `path` unless it already holds it; True if written."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
