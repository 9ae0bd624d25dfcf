"""Another reading from the gazetteer: a search box listing matching places with their country
and population, for a name whose right reading the parser did not offer."""

from __future__ import annotations

__all__ = ["PlaceSearchDialog", "reading_label"]

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from places.model import Place, PlaceMentions
from viewer.corrections import Correction, key_of, place_label

MAX_RESULTS = 50
PLACE_ROLE = Qt.ItemDataRole.UserRole + 1
Lookup = Callable[[str], list[Place]]


def reading_label(place: Place) -> str:
    """``"Geneva — city, Switzerland · pop. 183,981"``."""
    label = place_label(place)
    return f"{label} · pop. {place.population:,}" if place.population else label


def _gazetteer_lookup(name: str) -> list[Place]:
    from places.geoparse import shared_geoparser

    return shared_geoparser().gazetteer.lookup(name)


class PlaceSearchDialog(QDialog):
    """Search the offline gazetteer for a reading of ``group``'s name; :meth:`correction` is the choice."""

    def __init__(self, group: PlaceMentions, *, lookup: Lookup | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        self._lookup = lookup or _gazetteer_lookup
        self.setWindowTitle("Another reading")
        heading = QLabel(f"Read “{group.place.name}” as:")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.query = QLineEdit(group.mentions[0].text if group.mentions else group.place.name)
        self.query.setPlaceholderText("Search the gazetteer")
        self.results = QListWidget()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.query.textChanged.connect(self.search)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        for widget in (heading, self.query, self.results, self.buttons):
            layout.addWidget(widget)
        self.resize(460, 380)
        self.search(self.query.text())

    def search(self, text: str) -> None:
        self.results.clear()
        places = [p for p in self._lookup(text.strip()) if p.id != self.group.place.id][:MAX_RESULTS] if text.strip() else []
        for place in places:
            item = QListWidgetItem(reading_label(place))
            item.setData(PLACE_ROLE, place)
            self.results.addItem(item)
        if places:
            self.results.setCurrentRow(0)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(places))

    def chosen(self) -> Place | None:
        item = self.results.currentItem()
        return item.data(PLACE_ROLE) if item is not None else None

    def correction(self) -> Correction | None:
        """Every mention of the place read as the chosen one."""
        place = self.chosen()
        if place is None:
            return None
        keys = frozenset(key_of(m) for m in self.group.mentions)
        return Correction(self.group.place.id, keys, place, place_label(place))
