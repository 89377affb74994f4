"""Progressive hints: each time a student asks, one more of the stage's hints.

The hints and the textbook page come from the manifest (course.toml); how many each
stage has shown is kept in the student's `.mapcourse/hints.json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapcourse.manifest import Course, Stage
from mapcourse.progress.workspace import HINTS, read_state, textbook_link, write_state


@dataclass(frozen=True)
class HintView:
    """The hints a stage has shown so far (the newest last) out of `total`."""

    stage: Stage
    shown: tuple[str, ...]
    total: int
    textbook: str

    @property
    def exhausted(self) -> bool:
        return len(self.shown) >= self.total


def next_hint(course: Course, stage: Stage) -> HintView:
    """Show one more hint of `stage` than last time (all of them, once all are shown)."""
    counts = read_state(course, HINTS)
    shown = min(int(counts.get(stage.id, 0)) + 1, len(stage.hints))
    counts[stage.id] = shown
    write_state(course, HINTS, counts)
    return HintView(stage, stage.hints[:shown], len(stage.hints), textbook_link(course, stage))


def reset_hints(course: Course, stage: Stage | None = None) -> None:
    """Forget the hints shown for `stage` (every stage by default)."""
    counts = read_state(course, HINTS)
    for key in [stage.id] if stage else list(counts):
        counts.pop(key, None)
    write_state(course, HINTS, counts)
