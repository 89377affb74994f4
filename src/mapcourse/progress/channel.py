"""What `check` and its stage processes agree on, so that neither imports the other.

The runner (`mapcourse.progress.runner`) starts a stage process with these variables set;
the plugin (`mapcourse.progress.plugin`) inside it reads them: where to write one JSON
line per outcome, and the per-test limit. When the limit passes inside compiled code,
faulthandler writes the stacks beside the outcomes file (`stack_file`).
"""

from __future__ import annotations

from pathlib import Path

OUT = "MAPCOURSE_PROGRESS_OUT"  # where the plugin writes the outcomes
LIMIT = "MAPCOURSE_PROGRESS_LIMIT"  # the per-test limit the plugin applies


def stack_file(out: Path) -> Path:
    """Where faulthandler writes the stacks of a stage process that ran out of time."""
    return out.with_suffix(".stack")
