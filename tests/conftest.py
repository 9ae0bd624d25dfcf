"""Shared test set-up: Qt environment, the gazette:// scheme, and ``shared_path``.

The Qt environment variables must be set before any QApplication exists, so they are
set at import time; the scheme is registered when pytest-qt first asks for the app class.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from viewer.qtenv import set_environment

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_ROOT = REPO_ROOT.parent / "shared"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # even with a display: tests never show windows
set_environment()


def shared_path(*parts: str) -> Path:
    """Path under ../shared; skip the test when absent, or fail when GAZETTE_REQUIRE_SHARED=1."""
    path = SHARED_ROOT.joinpath(*parts)
    if not path.exists():
        message = f"shared test data not found: {path}"
        if os.environ.get("GAZETTE_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def qapp_cls():
    """Register the gazette:// scheme before pytest-qt creates the QApplication."""
    from PySide6.QtWidgets import QApplication

    from viewer.qtenv import prepare_environment

    prepare_environment()
    return QApplication


@pytest.fixture(autouse=True)
def _pyside_refcount_guard():
    """Undo PySide6's over-released None/True/False after each test (see tests/support/pyside_refs.py)."""
    from tests.support.pyside_refs import rebalanced

    with rebalanced():
        yield


@pytest.fixture(autouse=True)
def _no_unexpected_dialog(request, monkeypatch):
    """A modal dialog nobody expects would block a test forever: fail at once instead (tests that
    expect one patch viewer.dialogs.warning themselves; test_dialogs shows the real one)."""
    if request.module.__name__.endswith("test_dialogs"):
        return
    try:
        from viewer import dialogs
    except ImportError:  # no Qt in this environment
        return
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: pytest.fail(f"unexpected dialog: {text}"))


@pytest.fixture(autouse=True)
def _temporary_settings(tmp_path_factory, monkeypatch):
    """Every test remembers into its own folder (recent files, last basemap), never the person's settings."""
    from tests.support.settings import temporary_settings

    with temporary_settings(tmp_path_factory.mktemp("settings"), monkeypatch) as folder:
        yield folder
