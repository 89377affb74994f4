"""The hidden suites as test groups: one nbgrader test cell each, with a digest.

A group is one test function of `autograder/test_<stage>.py` with its decorators, and
the module-level code it needs (imports, constants, `solution = reference(...)`,
helpers): every top-level statement that binds a name the test uses, followed
transitively, plus statements that bind nothing (side effects), all in the suite's
order. A notebook's test cell names its group and carries `group_digest` of it (never
its text): the cell refuses to grade once the group's code or points have changed.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import Course, Stage
from mapcourse.nbgrader.source import join


class SuiteError(Exception):
    """A hidden suite that cannot become nbgrader test cells."""


@dataclass(frozen=True)
class TestGroup:
    """One test function: all its cases must pass for its points."""

    name: str
    points: float
    source: str  # the module-level code it needs, then the test function

    @property
    def readable(self) -> str:
        """test_mle_is_the_fraction_of_heads -> 'mle is the fraction of heads'."""
        return self.name.removeprefix("test_").replace("_", " ")


def group_digest(group: TestGroup) -> str:
    """12 hex digits of the group's points and code: what a test cell was generated for."""
    text = f"{group.name}\n{group.points:g}\n{group.source}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def stage_groups(course: Course, stage: Stage) -> list[TestGroup]:
    """The test groups of a stage's hidden suite; their points must add up to the stage's."""
    path = course.hidden_suite(stage)
    if not path.is_file():
        raise SuiteError(f"{stage.id} has no hidden suite at {path}")
    groups = read_suite(path)
    total = sum(group.points for group in groups)
    if total != stage.points:
        raise SuiteError(f"the hidden suite of {stage.id} is worth {total:g} points, "
                         f"not {stage.points} as course.toml says")
    return groups


def read_suite(path: Path) -> list[TestGroup]:
    """Every top-level `test_*` function of a hidden suite, as a self-contained group."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    body = ast.parse(text, filename=str(path)).body
    if body and _is_docstring(body[0]):
        body = body[1:]
    tests = [node for node in body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    support = [node for node in body if node not in tests]
    groups = []
    for test in tests:
        needed = _support_for(test, support)
        chosen = [node for node in support if node in needed] + [test]
        groups.append(TestGroup(test.name, _points(test, path), join(lines, chosen)))
    return groups


def _is_docstring(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


def _binds(node: ast.stmt) -> set[str]:
    """The module-level names a statement binds."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            names |= {alias.asname or alias.name.split(".")[0] for alias in child.names}
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(child.name)
        elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store | ast.Del):
            names.add(child.id)
    return names - {"*"}


def _uses(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _support_for(test: ast.FunctionDef, support: list[ast.stmt]) -> set[ast.stmt]:
    """The module-level statements the test needs, followed transitively."""
    chosen = {node for node in support if not _binds(node)}
    needed = _uses(test).union(*(_uses(node) for node in chosen))
    changed = True
    while changed:
        changed = False
        for node in support:
            if node not in chosen and _binds(node) & needed:
                chosen.add(node)
                needed |= _uses(node)
                changed = True
    return chosen


def _mark(decorator: ast.expr, name: str) -> ast.Call | None:
    """The call of `@pytest.mark.<name>(...)`, if that is what the decorator is."""
    if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == name and isinstance(decorator.func.value, ast.Attribute)
            and decorator.func.value.attr == "mark"):
        return decorator
    return None


def _points(test: ast.FunctionDef, path: Path) -> float:
    for decorator in test.decorator_list:
        if (call := _mark(decorator, "points")) is not None:
            try:
                return float(ast.literal_eval(call.args[0]))
            except (IndexError, ValueError):
                break
    raise SuiteError(f"{path.name}:{test.lineno}: {test.name} needs @pytest.mark.points(n) "
                     "with a number")
