"""Presentation mode (F5; Esc leaves): the map full screen on the chosen screen, the panel hidden,
the tour walked with a clicker's keys, and the quiz (Q).  The card and the flights are map.js's
(``gazette.present`` / ``presentStep``); this object only turns keys into those calls.
"""

from __future__ import annotations

__all__ = ["KEY_ACTIONS", "Presentation"]

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from viewer.lessonmap import lesson_payload

MainWindow = Any  # viewer.window.MainWindow, which imports this module

KEY_ACTIONS: dict[int, str] = {
    Qt.Key.Key_Right: "next", Qt.Key.Key_Space: "next", Qt.Key.Key_PageDown: "next", Qt.Key.Key_Down: "next",
    Qt.Key.Key_Left: "prev", Qt.Key.Key_PageUp: "prev", Qt.Key.Key_Up: "prev",
    Qt.Key.Key_Home: "first", Qt.Key.Key_End: "last", Qt.Key.Key_B: "blank", Qt.Key.Key_Q: "quiz",
    Qt.Key.Key_Escape: "end",
}  # fmt: skip
"""What clickers and slide software send, as map.js's presentation steps."""


class Presentation(QObject):
    """F5 presents the window's lesson; while on, the keys above go to the page, wherever the focus is."""

    started = Signal()
    ended = Signal()

    def __init__(self, window: MainWindow, *, menu: QMenu, panel: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.panel = panel
        self.active = False
        self.screen_index: int | None = None
        """The screen to present on (index into QGuiApplication.screens()); None: the window's own."""
        self.action = menu.addAction("&Present", QKeySequence("F5"), self.start)
        self.screens_menu = menu.addMenu("Present &on")
        self.screens_menu.aboutToShow.connect(self._fill_screens)
        self._was_maximized = False
        self._watched: list[QWidget] = []
        window.installEventFilter(self)  # F5 and, while presenting, the keys (an app-wide filter crashes PySide)

    def _fill_screens(self) -> None:
        self.screens_menu.clear()
        for n, screen in enumerate(QGuiApplication.screens()):
            size = screen.geometry()
            action = self.screens_menu.addAction(f"{screen.name() or f'Screen {n + 1}'} ({size.width()} × {size.height()})")
            action.setCheckable(True)
            action.setChecked(n == self.screen_index)
            action.triggered.connect(lambda _on=False, n=n: setattr(self, "screen_index", n))

    def start(self) -> bool:
        """Full screen, panel hidden, the tour from stop 1 (without a tour: places as first named)."""
        window = self.window
        if self.active or not window.session.docs or not window.map_view.is_ready:
            return False
        screens = QGuiApplication.screens()
        if self.screen_index is not None and 0 <= self.screen_index < len(screens) and window.windowHandle() is not None:
            window.windowHandle().setScreen(screens[self.screen_index])
            window.setGeometry(screens[self.screen_index].geometry())
        self._was_maximized = window.isMaximized()
        self.active = True
        self.panel.hide()
        window.menuBar().hide()
        window.statusBar().hide()
        window.showFullScreen()
        self._watched = [w for w in (window.map_view, window.map_view.focusProxy()) if w is not None]
        for widget in self._watched:
            widget.installEventFilter(self)  # the page's own widget gets the keys when it has the focus
        window.map_view.setFocus()
        window.map_view.call("present", lesson_payload(window.session.lesson, window.session.docs))
        self.started.emit()
        return True

    def step(self, action: str) -> None:
        """One presentation step ("next", "prev", "first", "last", "blank", "quiz", "end")."""
        if not self.active:
            return
        if action == "end":
            self.stop()
            return
        self.window.map_view.call("presentStep", action)

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        for widget in self._watched:
            if shiboken6.isValid(widget):
                widget.removeEventFilter(self)
        self._watched = []
        self.window.map_view.call("presentStep", "end")
        self.panel.show()
        self.window.menuBar().show()
        self.window.statusBar().show()
        if self._was_maximized:
            self.window.showMaximized()
        else:
            self.window.showNormal()
        self.ended.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if not self.active:
            return event.key() == Qt.Key.Key_F5 and self.start()
        action = KEY_ACTIONS.get(event.key())
        if action is None:
            return False
        self.step(action)
        return True
