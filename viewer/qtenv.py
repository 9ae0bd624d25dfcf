"""The Qt environment: env vars and the gazette:// scheme before the QApplication, the app,
and two small helpers (grab a widget as PNG, spin the event loop until a condition).

Imports no viewer module that could import it back: everything Qt-using may call it.
Qt itself is imported only inside the functions, so the command line stays light.
"""

from __future__ import annotations

__all__ = ["application", "prepare_environment", "save_widget_png", "set_environment", "wait_for"]

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from places.errors import SaveError
from places.storage import atomic_write_bytes

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget


def set_environment() -> None:
    """Env vars QtWebEngine reads at start-up (offscreen without a display, no sandbox as root)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


def prepare_environment() -> None:
    """:func:`set_environment` and the gazette:// scheme; before any QApplication exists."""
    set_environment()
    from viewer.webengine import register_scheme

    register_scheme()


def application() -> QApplication:
    """The QApplication, created (after :func:`prepare_environment`) when there is none yet."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is None:
        prepare_environment()
        app = QApplication([sys.argv[0] if sys.argv else "gazette"])
        app.setApplicationName("Gazette")
        app.setOrganizationName("Gazette")
        from viewer.pysidefix import guard_signal_emit

        guard_signal_emit()  # every emit would otherwise cost a reference to True (exit 134)
    return app  # type: ignore[return-value]


def save_widget_png(widget: QWidget, path: Path) -> None:
    """Grab a widget and write it as PNG atomically."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    pixmap = widget.grab()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if pixmap.isNull() or not pixmap.save(buffer, "PNG"):
        raise SaveError(f"Could not render the image for {Path(path).name}.")
    buffer.close()
    atomic_write_bytes(Path(path), bytes(data.data()))


def wait_for(predicate: Callable[[], bool], *, timeout_s: float) -> bool:
    """Spin the event loop until ``predicate()`` or the timeout; for scripts, not for the GUI."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    return True
