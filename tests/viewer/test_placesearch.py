"""The gazetteer search for another reading: results with country and population, the choice a correction."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from places.model import Kind, Mention, Place, PlaceMentions
from tests.support.nominatim_server import running_server
from viewer.placesearch import ONLINE_SOURCE, PlaceSearchDialog, reading_label

TX = Place("geonames:4717560", "Paris", 33.66, -95.56, Kind.CITY, "US", "United States", 24000)
FR = Place("geonames:2988507", "Paris", 48.85, 2.35, Kind.CITY, "FR", "France", 2138551)
ON = Place("geonames:6942553", "Paris", 43.2, -80.38, Kind.CITY, "CA", "Canada", 12310)


def test_search_lists_readings_and_the_choice_is_a_correction(qtbot):
    group = PlaceMentions(TX, (Mention("a", 0, 5, "Paris", TX, "Paris.", 0, 0.4, ()),))
    dialog = PlaceSearchDialog(group, lookup=lambda name: [TX, FR, ON] if name == "Paris" else [])
    qtbot.addWidget(dialog)
    texts = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert texts == ["Paris — city, France · pop. 2,138,551", "Paris — city, Canada · pop. 12,310"]
    dialog.results.setCurrentRow(1)
    correction = dialog.correction()
    assert correction.to == ON and correction.keys == {("a", "Paris")} and correction.place_id == TX.id
    qtbot.keyClicks(dialog.query, "x")
    assert dialog.results.count() == 0 and dialog.correction() is None
    assert reading_label(Place("curated:x", "Black Sea", 43, 34, Kind.WATER)) == "Black Sea — water"


@pytest.fixture
def nominatim(monkeypatch):
    with running_server() as server:
        monkeypatch.setenv("GAZETTE_NOMINATIM", f"http://{server.domain}")
        yield server


def _texts(dialog) -> list[str]:
    return [dialog.results.item(i).text() for i in range(dialog.results.count())]


def test_with_online_look_ups_the_geocoder_is_asked_and_its_readings_listed(qtbot, nominatim):
    group = PlaceMentions(TX, (Mention("a", 0, 5, "Odesa", TX, "Odesa.", 0, 0.4, ()),))
    dialog = PlaceSearchDialog(group, lookup=lambda name: [FR] if name == "Odesa" else [], online=True)
    qtbot.addWidget(dialog)
    assert dialog.online_button.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: any(ONLINE_SOURCE in t for t in _texts(dialog)), timeout=10000)
    assert _texts(dialog) == ["Paris — city, France · pop. 2,138,551", f"Odesa, Odesa Oblast, Ukraine — city · {ONLINE_SOURCE}"]
    assert [r.path for r in nominatim.requests] == ["/search"] and nominatim.requests[0].params["q"] == "Odesa"
    assert nominatim.requests[0].user_agent.startswith("Gazette/")
    dialog.results.setCurrentRow(1)
    correction = dialog.correction()
    assert correction.to.id == "geocoder:node/1005" and (correction.to.lat, correction.to.lon) == (46.4825, 30.7233)
    assert correction.keys == {("a", "Odesa")} and correction.place_id == TX.id

    # Another name: the gazetteer at once, the geocoder when asked.
    dialog.query.setText("Kvorthal Spaceport")
    assert _texts(dialog) == []
    qtbot.mouseClick(dialog.online_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=10000)
    assert _texts(dialog) == [f"Kvorthal Spaceport, Nowhere — facility · {ONLINE_SOURCE}"]
    assert [r.params["q"] for r in nominatim.requests] == ["Odesa", "Kvorthal Spaceport"]
    assert "1 reading" in dialog.online_status.text()


def test_offline_the_geocoder_is_never_asked(qtbot, nominatim):
    group = PlaceMentions(TX, (Mention("a", 0, 5, "Odesa", TX, "Odesa.", 0, 0.4, ()),))
    dialog = PlaceSearchDialog(group, lookup=lambda name: [FR])
    qtbot.addWidget(dialog)
    assert not dialog.online_button.isVisibleTo(dialog) and not dialog.search_online("Odesa")
    qtbot.wait(300)
    assert nominatim.count == 0 and _texts(dialog) == ["Paris — city, France · pop. 2,138,551"]


def test_an_unavailable_geocoder_is_said_in_the_dialog_and_the_gazetteer_stays(qtbot, monkeypatch):
    with running_server(mode="error500") as server:
        monkeypatch.setenv("GAZETTE_NOMINATIM", f"http://{server.domain}")
        group = PlaceMentions(TX, (Mention("a", 0, 5, "Paris", TX, "Paris.", 0, 0.4, ()),))
        dialog = PlaceSearchDialog(group, lookup=lambda name: [FR], online=True)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.online_button.isEnabled(), timeout=15000)
    assert "Online geocoder unavailable" in dialog.online_status.text()
    assert _texts(dialog) == ["Paris — city, France · pop. 2,138,551"]
