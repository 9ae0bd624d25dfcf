"""View › Basemap, and what a failure of the online tiles changes in the window.

When tiles fail, map.js already shows the offline basemap in the same page (the view, the
pins and an open popup stay as they are).  :meth:`BasemapMenu.fell_back` then makes the
window agree with the screen without building a new page (which would reset the view and
close the selected place's popup): the window's basemap becomes the offline one, so the menu
ticks it, later redraws and exports (HTML, image) use it and never try the failed tiles again,
and a parse in flight builds its page on it (a folder streaming in merges into this page).  The reader's own choice stays remembered;
choosing a tile basemap again retries it.
"""

from __future__ import annotations

__all__ = ["FALLBACK_NOTICE", "BasemapMenu"]

import logging
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from viewer.basemaps import BASEMAP_LABELS, OFFLINE

log = logging.getLogger(__name__)

FALLBACK_NOTICE = "Tiles unavailable: showing the offline basemap"

MainWindow = Any  # viewer.window.MainWindow, which imports this module


class BasemapMenu(QObject):
    """One checkable entry per basemap, ticked for the basemap on screen."""

    def __init__(self, window: MainWindow, *, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.fell_back_from: str | None = None
        """The basemap whose tiles failed while it was shown (None: none failed since the last choice)."""
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for name, label in BASEMAP_LABELS.items():
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(name == window.basemap)
            action.triggered.connect(lambda _checked, name=name: window.set_basemap(name))
            group.addAction(action)
            self.actions[name] = action

    @property
    def notice(self) -> str:
        """The status bar's word on it ("" unless the offline map stands in for failed tiles)."""
        return FALLBACK_NOTICE if self.fell_back_from is not None else ""

    def check(self, name: str) -> None:
        if name in self.actions:
            self.actions[name].setChecked(True)

    def chosen(self, name: str) -> None:
        """The reader chose ``name`` (or a lesson did): a tile failure before it no longer counts."""
        self.fell_back_from = None
        self.check(name)

    def fell_back(self, basemap: str, reason: str) -> None:
        """The page on screen replaced its failed tiles by the offline basemap."""
        window = self.window
        log.info("basemap %s fell back to offline: %s", basemap, reason)
        if window.basemap != OFFLINE:
            self.fell_back_from = window.basemap
            window.basemap = OFFLINE  # no new page: this one already shows it
            if window.job is not None:
                window.job.set_options(window.map_options)
            window.stream.fell_back()
        self.check(OFFLINE)
