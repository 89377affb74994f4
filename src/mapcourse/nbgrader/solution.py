"""A reference solution, split the way a notebook shows it.

The exercises are the top-level functions holding a `### BEGIN SOLUTION` region; the
given code is every other statement (imports, `PosteriorTable`, helpers, constants);
the module docstring introduces the stage.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from mapcourse.nbgrader.source import join, parameters, segment
from mapcourse.stubs import BEGIN, HINT


@dataclass(frozen=True)
class Exercise:
    """One function the student writes."""

    name: str
    signature: str  # "theta, heads, tails"
    summary: str  # the docstring's first line
    source: str  # as in the solution, with the hint moved above its region


@dataclass(frozen=True)
class SplitSolution:
    docstring: str
    given: str
    exercises: tuple[Exercise, ...]


def split_solution(path: Path) -> SplitSolution:
    """The docstring, the given code and the exercises of `solutions/<stage>.py`."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    module = ast.parse(text, filename=str(path))
    docstring = ast.get_docstring(module) or ""
    body = module.body[1:] if docstring else module.body
    given, exercises = [], []
    for node in body:
        text = segment(lines, node, comments=True)
        if isinstance(node, ast.FunctionDef) and BEGIN in text:
            exercises.append(Exercise(node.name, parameters(lines, node),
                                      (ast.get_docstring(node) or "").split("\n")[0],
                                      _hint_above_region(text)))
        else:
            given.append(node)
    return SplitSolution(docstring, join(lines, given, comments=True), tuple(exercises))


def exercise_names(path: Path) -> tuple[str, ...]:
    """The names of the functions a stage's students write."""
    return tuple(exercise.name for exercise in split_solution(path).exercises)


def _hint_above_region(segment: str) -> str:
    """Move each region's leading `# Hint:` line above `### BEGIN SOLUTION`.

    nbgrader replaces the region with `# YOUR CODE HERE` and `raise NotImplementedError()`;
    the hint, being outside, stays for the student.
    """
    lines = segment.splitlines(keepends=True)
    for index in range(len(lines) - 1):
        if lines[index].strip() == BEGIN and lines[index + 1].strip().startswith(HINT):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return "".join(lines)
