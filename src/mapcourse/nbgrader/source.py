"""Cutting top-level statements out of a Python file, exactly as written."""

from __future__ import annotations

import ast
import re

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
IMPORTS = (ast.Import, ast.ImportFrom)


def segment(lines: list[str], node: ast.stmt, *, comments: bool = False) -> str:
    """A statement's lines, decorators included (and the comment lines right above it).

    A definition keeps the indented comments that close its body (`### END SOLUTION`).
    """
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    while comments and start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    end = probe = node.end_lineno
    while isinstance(node, DEFINITIONS) and probe < len(lines):
        line = lines[probe]
        probe += 1
        if line.strip() and not (line.lstrip().startswith("#")
                                 and len(line) - len(line.lstrip()) > node.col_offset):
            break
        if line.strip():
            end = probe
    return "".join(lines[start - 1:end])


def join(lines: list[str], nodes: list[ast.stmt], *, comments: bool = False) -> str:
    """Statements spaced as ruff would: imports together, two blank lines around defs."""
    text = ""
    for previous, node in zip([None, *nodes], nodes, strict=False):
        if previous is not None:
            if isinstance(previous, DEFINITIONS) or isinstance(node, DEFINITIONS):
                text += "\n\n"
            elif not (isinstance(previous, IMPORTS) and isinstance(node, IMPORTS)):
                text += "\n"
            elif previous.end_lineno + 1 < node.lineno:
                text += "\n"  # keep the blank line between groups of imports
        text += segment(lines, node, comments=comments)
    return text


def parameters(lines: list[str], function: ast.FunctionDef) -> str:
    """The parameter list as written, on one line: `X, y, lam, *, max_iter=10_000`."""
    arguments = function.args
    parts = [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs,
             arguments.kwarg, *arguments.defaults, *arguments.kw_defaults]
    parts = [part for part in parts if part is not None]
    if not parts:
        return ""
    start = min((part.lineno, part.col_offset) for part in parts)
    end = max((part.end_lineno, part.end_col_offset) for part in parts)
    text = "".join(lines[start[0] - 1:end[0]])
    text = text[start[1]:len(text) - len(lines[end[0] - 1]) + end[1]]
    return re.sub(r"\s+", " ", text).strip()
