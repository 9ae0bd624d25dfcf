"""No import cycle among the project's modules, counting imports inside functions.

Every module's AST is read (no import is run): ``import a.b``, ``from a.b import c`` (an edge to
``a.b``, and to ``a.b.c`` when that is a module), ``from . import x``, relative imports, imports
inside functions, ``if TYPE_CHECKING:`` blocks and ``try:`` blocks, and ``importlib.import_module``
or ``__import__`` with a literal name. A package's ``__init__`` is the module named like the
package. The checker proves itself on cycles planted in a temporary folder.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path, sources: Sequence[str]) -> dict[str, Path]:
    """Module name -> file, for each package folder or single file in ``sources``."""
    files: list[Path] = []
    for source in sources:
        path = root / source
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else [])
    return {module_name(root, p): p for p in files}


def imported_names(tree: ast.AST, name: str, *, is_package: bool) -> set[str]:
    """Every dotted name the module imports, anywhere in it (relative imports made absolute)."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    found.discard("")
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def import_graph(root: Path, sources: Sequence[str]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (each import resolved to its longest module prefix)."""
    modules = project_modules(root, sources)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deps: set[str] = set()
        for target in imported_names(tree, name, is_package=path.name == "__init__.py"):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``a -> b -> a``) per strongly connected group of modules, each group once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan; the graphs here are a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_through(graph, group) for group in sorted(groups)]


def _cycle_through(graph: dict[str, set[str]], group: Iterable[str]) -> list[str]:
    """A shortest cycle from the group's first module back to itself, inside the group."""
    members = set(group)
    start = min(members)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    return [*paths[node], start]
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {sorted(members)}")  # a strongly connected group has one


def _message(cycles: list[list[str]]) -> str:
    return "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_no_import_cycle_in_places_and_main():
    cycles = find_cycles(import_graph(ROOT, ["places", "main.py"]))
    assert not cycles, _message(cycles)


def test_no_import_cycle_in_the_project():
    cycles = find_cycles(import_graph(ROOT, ["places", "viewer", "main.py"]))
    assert not cycles, _message(cycles)


def test_places_never_imports_viewer_or_qt():
    graph = import_graph(ROOT, ["places", "viewer"])
    offenders = sorted(f"{m} -> {d}" for m, deps in graph.items() if m.startswith("places") for d in deps
                       if d.startswith("viewer"))
    assert not offenders
    for name, path in project_modules(ROOT, ["places"]).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        qt = {n for n in imported_names(tree, name, is_package=path.name == "__init__.py") if n.startswith(("PySide6", "shiboken"))}
        assert not qt, f"{name} imports {sorted(qt)}"


# --- the checker, on planted cycles -------------------------------------------------------


def _plant(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_finds_a_cycle_of_imports_inside_functions(tmp_path: Path):
    _plant(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "def f():\n    from pkg import b\n    return b\n",
        "pkg/b.py": "def g():\n    from . import a\n    return a\n",
        "pkg/c.py": "import pkg.a\n",
    })  # fmt: skip
    graph = import_graph(tmp_path, ["pkg"])
    assert graph["pkg.a"] == {"pkg", "pkg.b"} and graph["pkg.b"] == {"pkg", "pkg.a"} and graph["pkg.c"] == {"pkg.a"}
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]
    assert "pkg.a -> pkg.b -> pkg.a" in _message(find_cycles(graph))


def test_checker_follows_relative_type_checking_and_dynamic_imports(tmp_path: Path):
    _plant(tmp_path, {
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/window.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..core.model import Model\n",
        "app/core/__init__.py": "",
        "app/core/model.py": "import importlib\n\ndef load():\n    return importlib.import_module('app.ui.window')\n",
        "main.py": "from app.core import model\n",
    })  # fmt: skip
    graph = import_graph(tmp_path, ["app", "main.py"])
    assert graph["app.ui.window"] == {"app.core.model"}
    assert graph["main"] == {"app.core", "app.core.model"}
    assert find_cycles(graph) == [["app.core.model", "app.ui.window", "app.core.model"]]


def test_checker_names_one_cycle_per_tangle_and_passes_a_clean_tree(tmp_path: Path):
    _plant(tmp_path, {
        "p/__init__.py": "",
        "p/a.py": "import p.b\n",
        "p/b.py": "import p.c\n",
        "p/c.py": "def late():\n    import p.a\n",
        "p/d.py": "import p.a\nimport os\n",
    })  # fmt: skip
    assert find_cycles(import_graph(tmp_path, ["p"])) == [["p.a", "p.b", "p.c", "p.a"]]
    (tmp_path / "p" / "c.py").write_text("import json\n", encoding="utf-8")
    assert find_cycles(import_graph(tmp_path, ["p"])) == []


@pytest.mark.parametrize("source", ["places", "viewer", "main.py"])
def test_the_project_sources_are_found(source: str):
    assert project_modules(ROOT, [source])
