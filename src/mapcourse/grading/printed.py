"""What a stage printed, shown to the student as their own output and nothing more.

The bytes are the student's: they are never parsed, only shown as text. Control and
format characters become U+FFFD (no terminal escapes, no right-to-left tricks), and
the text is fenced (Markdown) or prefixed line by line (plain text), so nothing it
holds can pass for the grader's own lines.
"""

from __future__ import annotations

import unicodedata

from mapcourse.grading.results import StageResult
from mapcourse.sandbox.output import OUTPUT_HEAD_BYTES

TEXT_PREFIX = "| "


def title(stage: StageResult) -> str:
    """`Your stage printed (first 4 KiB of 200 MB):`, or `(12 bytes)` when shown whole."""
    if stage.output_bytes > OUTPUT_HEAD_BYTES:
        return (f"Your stage printed (first {OUTPUT_HEAD_BYTES // 1024} KiB of "
                f"{size(stage.output_bytes)}):")
    return f"Your stage printed ({size(stage.output_bytes)}):"


def size(count: int) -> str:
    """A byte count for people: 12 bytes, 4.1 kB, 200 MB, 1.5 GB."""
    if count < 1000:
        return f"{count} byte" + ("" if count == 1 else "s")
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if count < scale * 1000 or unit == "GB":
            return f"{count / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def as_markdown(stage: StageResult) -> list[str]:
    """Feedback lines: the title, then the output in a fence no line of it can close."""
    if not stage.output_bytes:
        return []
    text = clean(stage.output)
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return [f"*{title(stage)}*", "", f"{fence}text", *text.split("\n"), fence, ""]


def as_text(stage: StageResult) -> str:
    """Plain text: the title, then each line of the output behind TEXT_PREFIX."""
    if not stage.output_bytes:
        return ""
    lines = [f"{TEXT_PREFIX}{line}" for line in clean(stage.output).split("\n")]
    return "\n".join([title(stage), *lines])


def clean(text: str) -> str:
    """Newlines kept (a carriage return becomes one), tabs kept, other control and
    format characters replaced by U+FFFD, a final newline dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(char if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf")
                   else "\ufffd" for char in text)
    return kept.removesuffix("\n")


def _longest_run(text: str, char: str) -> int:
    longest = current = 0
    for letter in text:
        current = current + 1 if letter == char else 0
        longest = max(longest, current)
    return longest
