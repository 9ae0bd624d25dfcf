"""Remembered settings (QSettings) in a temporary folder, so that no test reads or writes a person's own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def temporary_settings(folder: Path, monkeypatch) -> Iterator[Path]:
    """QSettings' user-scope INI files under ``folder`` for this process, and XDG_CONFIG_HOME for children."""
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))  # main.py run as a subprocess
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # no Qt in this environment
        yield folder
        return
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
