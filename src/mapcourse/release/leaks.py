"""What a student release must never contain, and a search of a folder for it.

The secrets are:

- every line of every solution region (`### BEGIN SOLUTION` ... `### END SOLUTION`),
  stripped of indentation (a release file leaks it when one of its lines, stripped, is
  that line), except lines that are published on purpose or too generic
  to prove anything: blank lines, the region's `# Hint:` line (the stub's message),
  lines that also occur outside the regions of some solution file (given code, which
  the stubs keep), and lines shorter than MIN_CHARS: idioms such as `return model`,
  `loss.backward()` or `else:` give nothing away, and a visible test may need them;
- the name of every test function of the hidden suites (found with `ast`);
- the region markers themselves (found anywhere in a line, as is a test name).

A file also leaks by where it is: anything under a folder named like the course's
solutions or hidden-tests folder, and compiled files (`__pycache__`, `*.pyc`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course
from mapcourse.stubs import BEGIN, END, HINT

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MIN_CHARS = 20


@dataclass(frozen=True)
class Secret:
    """A text that must not appear in a release, and where it comes from."""

    text: str
    origin: str
    match: str = "line"  # "line": a whole stripped line; "word": a word; "text": anywhere

    def found_in(self, text: str, lines: set[str]) -> bool:
        """Whether a file with this text (and these stripped lines) holds the secret."""
        if self.match == "word":
            return re.search(rf"\b{re.escape(self.text)}\b", text) is not None
        return self.text in (lines if self.match == "line" else text)


def solution_lines(course: Course) -> list[Secret]:
    """The lines of the solution regions that would give an answer away."""
    inside: list[tuple[str, str]] = []
    outside: set[str] = set()
    for stage in course.stages:
        path = course.solutions_dir / stage.filename
        region = False
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            text = line.strip()
            if text in (BEGIN, END):
                region = text == BEGIN
            elif region and not text.startswith(HINT):
                inside.append((text, f"solutions/{stage.filename}:{number}"))
            elif not region:
                outside.add(text)
    first: dict[str, str] = {}
    for text, origin in inside:
        first.setdefault(text, origin)
    return [Secret(text, origin) for text, origin in first.items()
            if len(text) >= MIN_CHARS and text not in outside]


def hidden_test_names(course: Course) -> list[Secret]:
    """The name of every test function in the hidden suites."""
    secrets = []
    for path in sorted(course.hidden_tests_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                    and node.name.startswith("test")):
                origin = f"{path.relative_to(course.root)}:{node.lineno}"
                secrets.append(Secret(node.name, origin, match="word"))
    return secrets


def secrets(course: Course) -> list[Secret]:
    """Everything a release must not contain."""
    markers = [Secret(marker, "a region marker", match="text") for marker in MARKERS]
    return markers + solution_lines(course) + hidden_test_names(course)


def find_leaks(course: Course, release: Path) -> list[str]:
    """Each leak in the folder `release`, as `path: what leaked (from where)`."""
    forbidden = {course.solutions_dir.name, course.hidden_tests_dir.name, "__pycache__"}
    known = secrets(course)
    leaks = []
    for path in sorted(release.rglob("*")):
        name = path.relative_to(release).as_posix()
        if forbidden & set(path.relative_to(release).parts) or path.suffix in (".pyc", ".pyo"):
            leaks.append(f"{name}: must not be in a release")
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        lines = {line.strip() for line in text.splitlines()}
        leaks += [f"{name}: contains {secret.text!r} ({secret.origin})"
                  for secret in known if secret.found_in(text, lines)]
    return leaks
