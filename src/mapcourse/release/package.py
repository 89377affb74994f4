"""The student's part of the `mapcourse` package: what `check`, `hint` and the visible
tests import, and nothing that reads solutions or hidden suites.

The modules are found by following `mapcourse` imports (with `ast`) from the student
commands and from the files of exercises/, so a new import in a visible test ships
the module it needs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mapcourse

# The student commands, the pytest plugins `check` and the release's pytest configuration
# load by name, and the checks that teach (the visible tests' vocabulary, which students
# may use in tests of their own).
ROOTS = ("mapcourse.__main__", "mapcourse.cli", "mapcourse.cli.check", "mapcourse.cli.hint",
         "mapcourse.progress.plugin", "mapcourse.timelimit", "mapcourse.checks")
INSTRUCTOR_ONLY = ("mapcourse.reference", "mapcourse.grading", "mapcourse.stubs",
                   "mapcourse.release", "mapcourse.site", "mapcourse.cli.grade",
                   "mapcourse.cli.release", "mapcourse.cli.stubs")
PACKAGE = Path(mapcourse.__file__).resolve().parent


class InstructorModuleNeeded(Exception):
    """A student-side file imports a module that must stay with the instructors."""


def student_modules(exercises: Path) -> dict[str, Path]:
    """Module name -> source file, for every module the student side imports."""
    todo = list(ROOTS)
    for path in sorted(exercises.glob("*.py")):
        todo += [f"{name} (imported by exercises/{path.name})" for name in _imports(path, "")]
    found: dict[str, Path] = {}
    while todo:
        entry = todo.pop()
        name, _, why = entry.partition(" (")
        if name in found:
            continue
        if name.startswith(INSTRUCTOR_ONLY):
            raise InstructorModuleNeeded(
                f"{name} stays with the instructors, but the student side needs it "
                f"({why.rstrip(')') or 'a student command'})")
        source = module_file(name)
        if source is None:
            continue
        found[name] = source
        parent = name.rpartition(".")[0]
        todo += [parent] if parent else []
        todo += [f"{child} (imported by {name})" for child in _imports(source, name)]
    return found


def module_file(name: str) -> Path | None:
    """The source of module `name` inside the mapcourse package, or None."""
    parts = name.split(".")
    if parts[0] != "mapcourse":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> list[str]:
    """The mapcourse modules a file imports anywhere in it (lazy imports included)."""
    names = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return [name for name in names if name.split(".")[0] == "mapcourse"]
