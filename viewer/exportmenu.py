"""File › Export: the formats' menu entries, the image size dialog, the file dialog, and the export itself."""

from __future__ import annotations

__all__ = ["ExportMenu"]

import json
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from places.errors import GazetteError
from viewer.formats import EXPORT_FORMATS
from viewer.imagesize import ImageSizeDialog
from viewer.qtenv import save_widget_png

MainWindow = Any  # viewer.window.MainWindow, which imports this module
NOTICE_HIDDEN_S = 0.25


class ExportMenu(QObject):
    """The Export submenu of ``window``; HTML carries the lesson (its tour and articles) along."""

    def __init__(self, window: MainWindow, *, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        for fmt in EXPORT_FORMATS:
            self.actions[fmt.name] = menu.addAction(fmt.label, lambda f=fmt.name: self.export_dialog(f))
        self.actions["html"].setShortcut(QKeySequence("Ctrl+E"))

    def export_dialog(self, fmt: str) -> None:
        if fmt == "png":
            self.image_dialog()
        else:
            self._ask_path_and_export(fmt)

    def image_dialog(self) -> ImageSizeDialog:
        """Ask for the image size (window-modal, not blocking), then for the file."""
        dialog = ImageSizeDialog(self.window, current=self.window.map_size())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._ask_path_and_export("png", size=dialog.chosen_size()))
        dialog.open()
        return dialog

    def _ask_path_and_export(self, fmt: str, *, size: tuple[int, int] | None = None) -> None:
        spec = next(f for f in EXPORT_FORMATS if f.name == fmt)
        stem = self.window.session.paths[0].stem if self.window.session.paths else "map"
        caption = f"Export {spec.label.rstrip('…')}"
        path, _ = QFileDialog.getSaveFileName(self.window, caption, f"{stem}{spec.suffixes[0]}", spec.file_filter)
        if path:
            self.export_to(Path(path), fmt=fmt, size=size)

    def export_to(self, path: Path, *, fmt: str, size: tuple[int, int] | None = None) -> bool:
        """Export the current articles; PNG is the map as shown now, or rendered anew at ``size``.

        Errors become a dialog.
        """
        try:
            if fmt == "png" and size is None:
                self._save_view_png(path)
            else:
                from viewer.export import export_map

                if size is not None:
                    self.window.statusBar().showMessage(f"Rendering a {size[0]} × {size[1]} image…")
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    export_map(self.window.session.docs, path, fmt=fmt, basemap=self.window.basemap, connections=self.window.connections,
                               size=size, lesson=self.window.session.saved_lesson)  # fmt: skip
                finally:
                    QApplication.restoreOverrideCursor()
        except GazetteError as err:
            self.window.statusBar().clearMessage()
            self.window.show_error(str(err))
            return False
        self.window.statusBar().showMessage(f"Exported {path.name}", 5000)
        return True

    def _save_view_png(self, path: Path) -> None:
        """The map as shown, without the page's notices ("tiles unavailable"): map.css hides them under
        :data:`viewer.snapshot.SNAPSHOT_CLASS` (as in a rendered image) for the moment of the grab."""
        from viewer.qtenv import wait_for
        from viewer.snapshot import SNAPSHOT_CLASS

        page = self.window.map_view.web_page
        done: list[object] = []
        page.runJavaScript(f"void document.documentElement.classList.add({json.dumps(SNAPSHOT_CLASS)})", 0, done.append)
        wait_for(lambda: bool(done), timeout_s=2.0)
        end = time.monotonic() + NOTICE_HIDDEN_S  # the page paints the change into a new frame
        wait_for(lambda: time.monotonic() > end, timeout_s=NOTICE_HIDDEN_S + 1)
        try:
            save_widget_png(self.window.map_view, path)
        finally:
            page.runJavaScript(f"void document.documentElement.classList.remove({json.dumps(SNAPSHOT_CLASS)})", 0)
