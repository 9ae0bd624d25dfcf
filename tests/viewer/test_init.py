"""The viewer package: its modules, each ``__all__`` at the top and true, and the size rules."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import viewer
from tests.support.codeshape import functions_over

PACKAGE = Path(viewer.__file__).resolve().parent
REPO = PACKAGE.parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_the_package_lists_every_module():
    assert sorted(viewer.__all__) == MODULES


@pytest.mark.parametrize("stem", MODULES)
def test_each_module_declares_all_before_its_imports(stem):
    tree = ast.parse((PACKAGE / f"{stem}.py").read_text(encoding="utf-8"))
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    body = [n for n in body if not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    assert isinstance(body[0], ast.Assign) and [t.id for t in body[0].targets] == ["__all__"], stem
    module = importlib.import_module(f"viewer.{stem}")
    assert not [n for n in module.__all__ if not hasattr(module, n)], stem


def test_importing_the_package_imports_nothing():
    code = "import sys, viewer; print(sorted(m for m in sys.modules if m.startswith(('viewer', 'PySide6', 'folium'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "['viewer']"


def test_no_function_in_viewer_is_over_100_lines():
    assert not functions_over(PACKAGE, 100)


def test_main_window_is_at_most_350_lines_and_has_no_base_of_ours():
    tree = ast.parse((PACKAGE / "window.py").read_text(encoding="utf-8"))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "MainWindow"]
    assert cls.end_lineno - cls.lineno + 1 <= 350
    assert [ast.unparse(b) for b in cls.bases] == ["QMainWindow"]


def test_tests_and_scripts_use_the_windows_public_names():
    private = re.compile(r"\b(?:window|win|seed_window|texas_window|hostile_window|csp_window)\._[a-z]")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("tests", "scripts", "bench")
        for path in sorted((REPO / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]
    assert not offenders
