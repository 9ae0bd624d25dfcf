"""Run the window: the Qt app (see :mod:`viewer.qtenv`), a :class:`MainWindow` on the given files."""

from __future__ import annotations

__all__ = ["MAP_READY_TIMEOUT_S", "run", "sample_paths"]

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from viewer import startup
from viewer.qtenv import application, save_widget_png
from viewer.webassets import SAMPLE_DIR

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from viewer.window import MainWindow

MAP_READY_TIMEOUT_S = 180.0  # a first run may compile the gazetteer index


def sample_paths() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.md"))


def run(
    paths: Sequence[str | os.PathLike[str]],
    *,
    basemap: str = "offline",
    online: bool = False,
    connections: bool = False,
    screenshot: Path | None = None,
) -> int:
    """Open the window on ``paths`` (the bundled sample when empty); returns the exit code.

    With ``screenshot``, wait for the map, save the whole window as PNG, print the time to
    "map ready" and quit (exit 2 if the article cannot be shown or the map never gets ready).
    """
    started = time.perf_counter()
    startup.mark("app: run")
    app = application()
    startup.mark("app: QApplication")
    from viewer.window import MainWindow

    startup.mark("app: window imported")

    files = [Path(p) for p in paths] or sample_paths()
    remembered = None if basemap == "offline" else basemap  # the default: the basemap chosen last time
    window = MainWindow(basemap=remembered, connections=connections, online=online)
    window.show()
    startup.mark("app: window shown")
    outcome: dict[str, object] = {}

    if screenshot is not None:
        from PySide6.QtCore import QTimer

        def fail(message: str) -> None:
            outcome.setdefault("error", message)
            app.exit(2)

        window.show_error = fail  # type: ignore[method-assign]  # no dialog in batch mode
        window.show_unreadable = lambda summary: print(f"gazette: {summary}", file=sys.stderr)  # type: ignore[method-assign]

        def on_ready() -> None:
            if "ready" in outcome:
                return
            outcome["ready"] = time.perf_counter() - started
            print(f"map ready in {outcome['ready']:.3f} s", flush=True)  # bench/cold_start.py reads this
            QTimer.singleShot(400, shoot)  # let tiles/labels settle

        def shoot() -> None:
            from places.errors import GazetteError

            try:
                save_widget_png(window, Path(screenshot))
            except GazetteError as err:
                fail(str(err))
                return
            app.exit(0)

        window.mapReady.connect(on_ready)
        QTimer.singleShot(int(MAP_READY_TIMEOUT_S * 1000), lambda: fail("The map did not finish loading."))

    if files:
        window.open_paths(files)
    code = app.exec()
    if screenshot is not None:
        if "error" in outcome:
            print(f"gazette: {outcome['error']}", file=sys.stderr)
    _tear_down(app, window)
    return code


def _tear_down(app: QApplication, window: MainWindow) -> None:
    """The window (its jobs, page, then profile: MainWindow.dispose) goes before the QApplication,
    and its deferred deletes run while the app is there, rather than in any order at exit."""
    import shiboken6
    from PySide6.QtCore import QEvent

    window.dispose()
    if shiboken6.isValid(window):
        window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
