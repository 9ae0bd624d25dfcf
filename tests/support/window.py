"""Helpers for driving the main window in tests."""

from __future__ import annotations

from pathlib import Path

from viewer.window import MainWindow


def open_and_wait(qtbot, window: MainWindow, *paths: Path, timeout: int = 60000) -> None:
    """Open ``paths`` in ``window`` and wait until the new map has done its ready handshake."""
    with qtbot.waitSignal(window.mapReady, timeout=timeout):
        window.open_paths(paths)
