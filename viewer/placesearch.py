"""Another reading: a search box listing matching places with their country and population, from the
offline gazetteer and, when online look-ups are on, from the online geocoder (places.online), for a
name whose right reading the parser did not offer.

The online geocoder is asked off the GUI thread (it is rate-limited and may wait for its deadline);
its answers join the list as they come, marked "OpenStreetMap".  A reading from it has no id the
offline gazetteer knows, so the lesson keeps it as a point (see viewer.lessonmap.window_corrections).
"""

from __future__ import annotations

__all__ = ["ONLINE_SOURCE", "PlaceSearchDialog", "online_readings", "reading_label"]

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from places.errors import GazetteError
from places.model import Place, PlaceMentions
from viewer.corrections import Correction, key_of, place_label

if TYPE_CHECKING:
    from places.online import CachingGeocoder

MAX_RESULTS = 50
MAX_ONLINE_RESULTS = 10
ONLINE_SOURCE = "OpenStreetMap"
PLACE_ROLE = Qt.ItemDataRole.UserRole + 1
Lookup = Callable[[str], list[Place]]
OnlineLookup = Callable[[str], list[tuple[Place, str]]]
"""A name -> (place, its address as the service writes it), best first; raises GazetteError."""

_geocoder_lock = threading.Lock()
_geocoders: dict[tuple[str, str], CachingGeocoder] = {}  # (domain, scheme) -> its geocoder, made on first need


def reading_label(place: Place) -> str:
    """``"Geneva — city, Switzerland · pop. 183,981"``."""
    label = place_label(place)
    return f"{label} · pop. {place.population:,}" if place.population else label


def _gazetteer_lookup(name: str) -> list[Place]:
    from places.geoparse import shared_geoparser

    return shared_geoparser().gazetteer.lookup(name)


def online_readings(name: str) -> list[tuple[Place, str]]:
    """The online geocoder's readings of ``name`` ($GAZETTE_NOMINATIM, else the public Nominatim)."""
    from places.geoparse import place_from_location
    from places.online import nominatim_from_env, online_geocoder

    where = nominatim_from_env()
    with _geocoder_lock:
        key = (where["domain"], where["scheme"])
        if key not in _geocoders:
            _geocoders[key] = online_geocoder(**where)
        geocoder = _geocoders[key]
    found = geocoder.geocode(name, exactly_one=False, limit=MAX_ONLINE_RESULTS) or []
    out = []
    for location in found if isinstance(found, list) else [found]:
        place = place_from_location(name, location)
        if place is not None:
            out.append((place, str(getattr(location, "address", "") or place.name)))
    return out


class PlaceSearchDialog(QDialog):
    """Search for a reading of ``group``'s name; :meth:`correction` is the choice.

    With ``online`` (or an ``online_lookup``), the online geocoder is asked too: once for the name
    at hand when the dialog opens, and again for the text in the box by "Search online".
    """

    onlineAnswered = Signal(str, object, str)
    """(query, [(place, address)], error message): an online answer, delivered on the GUI thread."""

    def __init__(
        self, group: PlaceMentions, *, lookup: Lookup | None = None, online: bool = False,
        online_lookup: OnlineLookup | None = None, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.group = group
        self._lookup = lookup or _gazetteer_lookup
        self._online_lookup = online_lookup or (online_readings if online else None)
        self._online: list[tuple[Place, str]] = []
        self._asked = ""
        self.setWindowTitle("Another reading")
        heading = QLabel(f"Read “{group.place.name}” as:")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.query = QLineEdit(group.mentions[0].text if group.mentions else group.place.name)
        self.query.setPlaceholderText("Search the gazetteer" + (" or online" if self._online_lookup else ""))
        self.results = QListWidget()
        self.online_button = QPushButton(f"Search online ({ONLINE_SOURCE})")
        self.online_status = QLabel("")
        self.online_status.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.query.textChanged.connect(self.search)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.online_button.clicked.connect(lambda: self.search_online(self.query.text()))
        self.onlineAnswered.connect(self._on_online_answer)
        layout = QVBoxLayout(self)
        for widget in (heading, self.query, self.results, self.online_button, self.online_status, self.buttons):
            layout.addWidget(widget)
        self.online_button.setVisible(self._online_lookup is not None)
        self.online_status.setVisible(self._online_lookup is not None)
        self.resize(460, 380)
        self.search(self.query.text())
        if self._online_lookup is not None:
            self.search_online(self.query.text())

    def search(self, text: str) -> None:
        """List the gazetteer's readings of ``text`` (and the online ones already had for it)."""
        self.results.clear()
        places = [p for p in self._lookup(text.strip()) if p.id != self.group.place.id][:MAX_RESULTS] if text.strip() else []
        for place in places:
            self._add(reading_label(place), place)
        if text.strip() and text.strip() == self._asked:
            for place, address in self._online:
                self._add(f"{address} — {place.kind.value} · {ONLINE_SOURCE}", place)
        if self.results.count():
            self.results.setCurrentRow(0)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.results.count() > 0)

    def _add(self, label: str, place: Place) -> None:
        item = QListWidgetItem(label)
        item.setData(PLACE_ROLE, place)
        self.results.addItem(item)

    def search_online(self, text: str) -> bool:
        """Ask the online geocoder about ``text`` in the background; False when it is not on."""
        query = text.strip()
        if self._online_lookup is None or not query:
            return False
        self.online_status.setText(f"Asking {ONLINE_SOURCE} about “{query}”…")
        self.online_button.setEnabled(False)
        ask = self._online_lookup

        def run() -> None:
            try:
                found, error = ask(query), ""
            except GazetteError as err:
                found, error = [], str(err)
            try:
                self.onlineAnswered.emit(query, found, error)
            except RuntimeError:  # the dialog was closed and deleted meanwhile
                pass

        threading.Thread(target=run, name="gazette-online-reading", daemon=True).start()
        return True

    @Slot(str, object, str)
    def _on_online_answer(self, query: str, found: list[tuple[Place, str]], error: str) -> None:
        self.online_button.setEnabled(True)
        self._asked, self._online = query, [(p, a) for p, a in found if p.id != self.group.place.id]
        if error:
            self.online_status.setText(error)
        else:
            n = len(self._online)
            self.online_status.setText(f"{ONLINE_SOURCE}: {n} reading{'s' if n != 1 else ''} of “{query}”")
        self.search(self.query.text())

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
