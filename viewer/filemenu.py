"""File › Open…, Open Folder… and Open Recent, with the last folder and the recent list remembered.

The window calls :meth:`FileSources.opened` when an open succeeds; the recent list keeps at most
:data:`MAX_RECENT` entries, newest first, and drops files and folders that are gone.  Clips
(pasted text, fetched pages) are never listed.
"""

from __future__ import annotations

__all__ = ["MAX_RECENT", "OPEN_FILTER", "FileSources"]

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from places.sources import is_clip
from viewer.settings import Remembered

MAX_RECENT = 10
OPEN_FILTER = (
    "Articles, feeds and lessons (*.txt *.md *.markdown *.html *.htm *.rss *.atom *.xml *.yaml *.yml);;All files (*)"
)


class FileSources(QObject):
    """The opening entries of the File menu; ``open_paths`` is the window's way to open."""

    def __init__(self, window: QWidget, *, menu: QMenu, before: QAction | None = None, remembered: Remembered) -> None:
        super().__init__(window)
        self.window = window
        self.remembered = remembered
        self.open_action = QAction("&Open…", window, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.open_dialog)
        self.folder_action = QAction("Open &Folder…", window, shortcut=QKeySequence("Ctrl+Shift+O"))
        self.folder_action.triggered.connect(self.open_folder_dialog)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        for action in (self.open_action, self.folder_action):
            menu.insertAction(before, action) if before is not None else menu.addAction(action)
        menu.insertMenu(before, self.recent_menu) if before is not None else menu.addMenu(self.recent_menu)
        self.fill_recent_menu()

    def open_paths(self, paths: Sequence[str | Path]) -> None:
        self.window.open_paths(paths)  # type: ignore[attr-defined]

    def start_folder(self) -> str:
        return self.remembered.last_folder()

    def open_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.window, "Open articles", self.start_folder(), OPEN_FILTER)
        if files:
            self.remembered.set_last_folder(Path(files[0]).parent)
            self.open_paths(files)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Open a folder of articles", self.start_folder())
        if folder:
            self.remembered.set_last_folder(folder)
            self.open_paths([folder])

    # ------------------------------------------------------------------ recent

    def opened(self, paths: Sequence[Path]) -> None:
        """An open of ``paths`` succeeded: they go to the top of the recent list."""
        fresh = [os.fspath(p) for p in paths if not is_clip(p)]
        if not fresh:
            return
        entries = list(dict.fromkeys([*fresh, *self.remembered.recent()]))
        self.remembered.set_recent(entries[:MAX_RECENT])
        folders = [p for p in paths if Path(p).is_dir()]
        if folders:
            self.remembered.set_last_folder(folders[0])
        self.fill_recent_menu()

    def recent(self) -> list[str]:
        """The recent files and folders that still exist, newest first (the missing ones are forgotten)."""
        entries = self.remembered.recent()
        alive = [p for p in entries if os.path.exists(p)][:MAX_RECENT]
        if alive != entries:
            self.remembered.set_recent(alive)
        return alive

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        entries = self.recent()
        for number, path in enumerate(entries, 1):
            name = (Path(path).name or path).replace("&", "&&") + (os.sep if os.path.isdir(path) else "")
            action = self.recent_menu.addAction(f"&{number % 10} {name}")
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, path=path: self.open_recent(path))
        if not entries:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List", self.clear_recent)

    def open_recent(self, path: str) -> None:
        if not os.path.exists(path):
            self.fill_recent_menu()  # gone since the menu was drawn: forgotten, nothing opens
            return
        self.open_paths([path])

    def clear_recent(self) -> None:
        self.remembered.set_recent([])
        self.fill_recent_menu()
