"""Run the window: the Qt app (see :mod:`viewer.qtenv`), a :class:`MainWindow` on the given files."""

from __future__ import annotations

__all__ = ["MAP_READY_TIMEOUT_S", "run", "sample_paths"]

import importlib
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from viewer import startup
from viewer.qtenv import application, save_widget_png
from viewer.webassets import SAMPLE_DIR

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from viewer.mapview import MapView
    from viewer.pageshell import PageShell
    from viewer.window import MainWindow

MAP_READY_TIMEOUT_S = 180.0  # a first run may compile the gazetteer index
IMPORT_SWITCH_S = 0.001  # the GIL's switch interval while the window module is imported on a thread
FIRST_SHELL_WAIT_S = 2.0  # longer (a very busy machine): the first page loads the ordinary way


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
    chosen = _start_basemap(basemap)  # QSettings with its names given: no QApplication needed
    shell = _ShellFetch(chosen)  # the page process's shell comes over its pipe while Qt starts
    app = application()
    startup.mark("app: QApplication")
    import viewer.mapview  # noqa: F401  # here, not in both threads at once

    importing = _Import("viewer.window")  # beside the shell's wait and the web view's making
    map_view = _first_map_view(shell.result())
    importing.finish(serving=map_view.is_loading())
    from viewer.window import MainWindow

    startup.mark("app: window imported")

    files = [Path(p) for p in paths] or sample_paths()
    window = MainWindow(basemap=chosen, connections=connections, online=online, map_view=map_view)
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


def _start_basemap(basemap: str) -> str:
    """The window's basemap: the one asked for, else (the default, offline) the one chosen last time."""
    from viewer.basemaps import OFFLINE
    from viewer.settings import Remembered

    return Remembered().start_basemap(None if basemap == OFFLINE else basemap)


class _ShellFetch:
    """``basemap``'s page shell from the page process, read on a thread started at once: the page
    process sends it only once asked, and a 750 kB pickle waits in its pipe for a reader."""

    def __init__(self, basemap: str) -> None:
        from viewer.worker import first_shell  # imported here, not on the thread beside the QApplication's imports

        self._shell: list[PageShell | None] = [None]

        def fetch() -> None:
            self._shell[0] = first_shell(basemap, timeout=FIRST_SHELL_WAIT_S)

        self._thread = threading.Thread(target=fetch, name="gazette-shell", daemon=True)
        self._thread.start()

    def result(self) -> PageShell | None:
        """The shell (None: none came in time, the first page loads the ordinary way)."""
        self._thread.join(FIRST_SHELL_WAIT_S + 1.0)
        return self._shell[0]


def _first_map_view(shell: PageShell | None) -> MapView:
    """The map view, made before the rest of the window: it loads the basemap's page shell at once
    (from the page process), so that the page's scripts load and its world is decoded while the window
    is built and the article read; the first map's data then goes into that page (MapView.load_page)."""
    from viewer.mapview import MapView

    startup.mark("app: shell taken")
    return MapView(shell=shell)


class _Import:
    """Import a module on a thread, started at once; :meth:`finish` waits for it, running the event
    loop meanwhile when asked (the page's requests, gazette:// served on the GUI thread, are
    answered during the import instead of after it)."""

    def __init__(self, module: str) -> None:
        from PySide6.QtCore import QObject, Signal

        class Done(QObject):
            done = Signal()

        self._failed: list[BaseException] = []
        self._done = threading.Event()  # set before the signal: a wait that connects late sees it
        self._notice = Done()  # its signal, emitted on the thread, reaches the GUI thread queued
        # The GUI thread waits for the GIL at each request it answers: at most 1 ms, not 5.
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(IMPORT_SWITCH_S)

        def work() -> None:
            try:
                importlib.import_module(module)
            except BaseException as err:  # raised again on the GUI thread
                self._failed.append(err)
            finally:
                self._done.set()
                self._notice.done.emit()

        self._thread = threading.Thread(target=work, name="gazette-import")
        self._thread.start()

    def finish(self, *, serving: bool) -> None:
        """Wait for the import (with the event loop running when ``serving``); its error is raised here."""
        if serving and not self._done.is_set():
            from PySide6.QtCore import QEventLoop

            loop = QEventLoop()
            self._notice.done.connect(loop.quit)
            if not self._done.is_set():  # else the signal may have gone before the connection
                loop.exec()
        self._thread.join()
        sys.setswitchinterval(self._switch)
        if self._failed:
            raise self._failed[0]


def _tear_down(app: QApplication, window: MainWindow) -> None:
    """The window (its jobs, page, then profile: MainWindow.dispose) goes before the QApplication,
    and its deferred deletes run while the app is there, rather than in any order at exit."""
    import shiboken6
    from PySide6.QtCore import QEvent

    window.dispose()
    if shiboken6.isValid(window):
        window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
