"""The gazetteer search for another reading: results with country and population, the choice a correction."""

from __future__ import annotations

from places.model import Kind, Mention, Place, PlaceMentions
from viewer.placesearch import PlaceSearchDialog, reading_label

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
