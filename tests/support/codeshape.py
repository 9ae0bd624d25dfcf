"""Checks of the code's shape that both packages' test_init.py apply."""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["functions_over"]


def functions_over(package: Path, limit: int) -> list[str]:
    """``file:line name (N lines)`` of every function in ``package`` longer than ``limit`` lines."""
    long = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= limit:
                long.append(f"{path.name}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    return long
