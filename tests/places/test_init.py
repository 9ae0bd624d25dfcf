"""The places package: its public names, and every module's ``__all__`` at the top and true."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import places
from tests.support.codeshape import functions_over

PACKAGE = Path(places.__file__).resolve().parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", places.__all__)
def test_public_names_are_their_modules_objects(name):
    value = getattr(places, name)
    assert getattr(importlib.import_module(value.__module__), name) is value


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError):
        places.no_such_name  # noqa: B018


@pytest.mark.parametrize("stem", ["__init__", *MODULES])
def test_each_module_declares_all_before_its_imports(stem):
    tree = ast.parse((PACKAGE / f"{stem}.py").read_text(encoding="utf-8"))
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    body = [n for n in body if not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    first = body[0]
    assert isinstance(first, ast.Assign) and [t.id for t in first.targets] == ["__all__"], stem
    module = importlib.import_module("places" if stem == "__init__" else f"places.{stem}")
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{stem}.__all__ names what it lacks: {missing}"


def test_importing_the_errors_loads_nothing_else():
    code = "import sys, places.errors; print(sorted(m for m in sys.modules if m.startswith('places')))"
    root = PACKAGE.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "['places', 'places.errors']"


def test_no_function_in_places_is_over_100_lines():
    assert not functions_over(PACKAGE, 100)
