"""Helpers for driving the main window in tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript

from viewer.window import MainWindow


def open_and_wait(qtbot, window: MainWindow, *paths: Path, timeout: int = 60000) -> None:
    """Open ``paths`` in ``window`` and wait until the new map has done its ready handshake."""
    with qtbot.waitSignal(window.mapReady, timeout=timeout):
        window.open_paths(paths)


def inject_before_page_scripts(page: QWebEnginePage, name: str, source: str, *, subframes: bool = False) -> None:
    """Run ``source`` in every document ``page`` loads, before any of the page's own scripts."""
    script = QWebEngineScript()
    script.setName(name)
    script.setSourceCode(source)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(subframes)
    page.scripts().insert(script)
