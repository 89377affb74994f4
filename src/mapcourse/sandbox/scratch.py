"""A slot's scratch folder: the copy of the submission its stage processes see."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def admit(folder: Path, group: int | None) -> None:
    """Open the slot folder to everyone (bubblewrap shows it to its stages alone), or
    only to the slot's `group` when stages run on the host as unprivileged users."""
    if group is None:
        folder.chmod(0o755)
    else:
        os.chown(folder, 0, group)
        folder.chmod(0o750)


def copy_submission(source: Path, target: Path, max_bytes: int) -> None:
    """Copy the regular files and folders of a submission (never symlinks), within limits.

    The copies are read-only for the stage processes; its folders take new files
    (sticky, like /tmp), so code that writes beside itself still works.
    """
    total = 0
    target.mkdir()
    for folder, dirs, files in os.walk(source, followlinks=False):
        relative = Path(folder).relative_to(source)
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()
                   and d not in ("__pycache__", ".git")]
        for d in dirs:
            (target / relative / d).mkdir()
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            total += path.stat().st_size
            if total > max_bytes:
                return
            shutil.copyfile(path, target / relative / name)
            (target / relative / name).chmod(0o644)
    for folder, _dirs, _files in os.walk(target):
        Path(folder).chmod(0o1777)
