"""The tour editor: a dock listing the lesson's stops. Add the selected place or the current map view,
edit a caption in place, reorder by drag or Alt+↑/↓, delete with Delete.  Every edit is written
into the lesson through the window's one undo stack (no YAML needed to build a tour).
"""

from __future__ import annotations

__all__ = ["TourPanel"]

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from places.lessons import MapView, TourStop

MainWindow = Any  # viewer.window.MainWindow, which imports this module

STOP_ROLE = Qt.ItemDataRole.UserRole + 1


def _label(stop: TourStop) -> str:
    if stop.view is not None:
        return f"View {stop.view.lat:.2f}, {stop.view.lon:.2f} (zoom {stop.view.zoom:g})"
    return stop.place or ""


class TourPanel(QDockWidget):
    """The tour of ``window``'s lesson; ``edited`` after each change written into the lesson."""

    edited = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__("Tour", window)
        self.window = window
        self.setObjectName("tour-panel")
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.model().rowsMoved.connect(lambda *_: self._write("Reorder stops"))
        self.list.itemChanged.connect(lambda _item: self._write("Edit caption"))
        self.add_place_button = QPushButton("Add place")
        self.add_place_button.setToolTip("Add the place selected in the list as a stop")
        self.add_place_button.clicked.connect(self.add_selected_place)
        self.add_view_button = QPushButton("Add view")
        self.add_view_button.setToolTip("Add the map's current view as a stop")
        self.add_view_button.clicked.connect(self.add_current_view)
        self.caption_edit = QLineEdit()
        self.caption_edit.setPlaceholderText("Caption of the selected stop")
        self.caption_edit.editingFinished.connect(self._caption_edited)
        self.list.currentRowChanged.connect(self._show_caption)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        for b in (self.add_place_button, self.add_view_button, self.delete_button):
            buttons.addWidget(b)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addWidget(self.caption_edit)
        layout.addLayout(buttons)
        self.setWidget(box)
        for keys, slot in (("Alt+Up", lambda: self.move_current(-1)), ("Alt+Down", lambda: self.move_current(1)),
                           ("Delete", self.delete_current)):  # fmt: skip
            shortcut = QShortcut(QKeySequence(keys), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self._view: tuple[float, float, float] | None = None
        self._filling = False
        window.map_view.viewChanged.connect(self._on_view)
        window.stateChanged.connect(self.refresh)

    # ------------------------------------------------------------------ reading

    def stops(self) -> tuple[TourStop, ...]:
        """The stops as listed now (with their edited captions)."""
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            stop: TourStop = item.data(STOP_ROLE)
            out.append(dataclasses.replace(stop, caption=item.text().strip()))
        return tuple(out)

    def refresh(self) -> None:
        """Show the tour of the lesson the window shows now."""
        lesson = self.window.session.lesson
        self._filling = True
        try:
            self.list.clear()
            for stop in lesson.tour if lesson else ():
                self.list.addItem(self._item(stop))
        finally:
            self._filling = False
        enabled = lesson is not None
        for b in (self.add_place_button, self.add_view_button, self.delete_button):
            b.setEnabled(enabled)

    def _item(self, stop: TourStop) -> QListWidgetItem:
        item = QListWidgetItem(stop.caption or _label(stop))
        item.setData(STOP_ROLE, dataclasses.replace(stop, caption=stop.caption or _label(stop)))
        item.setToolTip(_label(stop))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
        return item

    # ------------------------------------------------------------------ editing

    def add_stop(self, stop: TourStop) -> None:
        self._filling = True
        try:
            self.list.addItem(self._item(stop))
        finally:
            self._filling = False
        self.list.setCurrentRow(self.list.count() - 1)
        self._write("Add stop")

    def add_selected_place(self) -> bool:
        ids = self.window.places.selected_place_ids()
        group = self.window.session.groups.get(ids[0]) if ids else None
        if group is None:
            return False
        self.add_stop(TourStop(place=group.place.name, caption=group.place.name))
        return True

    def add_current_view(self) -> bool:
        """Add the map's view as last reported by the page (it reports after every move)."""
        if self._view is None:
            return False
        lat, lon, zoom = self._view
        self.add_stop(TourStop(view=MapView(lat=round(lat, 4), lon=round(lon, 4), zoom=round(zoom, 1)), caption=""))
        return True

    def move_current(self, by: int) -> bool:
        row = self.list.currentRow()
        to = row + by
        if row < 0 or not 0 <= to < self.list.count():
            return False
        self._filling = True
        try:
            item = self.list.takeItem(row)
            self.list.insertItem(to, item)
        finally:
            self._filling = False
        self.list.setCurrentRow(to)
        self._write("Reorder stops")
        return True

    def delete_current(self) -> bool:
        row = self.list.currentRow()
        if row < 0:
            return False
        self._filling = True
        try:
            self.list.takeItem(row)
        finally:
            self._filling = False
        self._write("Delete stop")
        return True

    def _write(self, label: str) -> None:
        lesson = self.window.session.lesson
        if self._filling or lesson is None:
            return
        stops = self.stops()
        if stops != lesson.tour:
            self.window.edit_lesson(dataclasses.replace(lesson, tour=stops), label=label)
            self.edited.emit()

    def _show_caption(self, row: int) -> None:
        item = self.list.item(row) if row >= 0 else None
        self.caption_edit.setText(item.text() if item is not None else "")

    def _caption_edited(self) -> None:
        item = self.list.currentItem()
        text = self.caption_edit.text().strip()
        if item is not None and text and text != item.text():
            item.setText(text)  # itemChanged writes it into the lesson

    def _on_view(self, lat: float, lon: float, zoom: float, _stop: int) -> None:
        self._view = (lat, lon, zoom)
