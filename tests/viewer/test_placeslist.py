"""viewer.placeslist: rows, sort order, selection signals and the context menu, without a window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from places.model import Kind, Mention, Place, PlaceMentions
from viewer.placeslist import COL_MENTIONS, COL_NAME, PlacesList

TX = Place("geonames:4717560", "Paris", 33.66, -95.56, Kind.CITY, "US", "United States")
FR = Place("geonames:2988507", "Paris", 48.85, 2.35, Kind.CITY, "FR", "France")
AUSTIN = Place("geonames:4671654", "Austin", 30.27, -97.74, Kind.CITY, "US", "United States")
DALLAS = Place("geonames:4684888", "Dallas", 32.78, -96.81, Kind.CITY, "US", "United States")
TEXAS = Place("region:US.TX", "Texas", 31.0, -99.0, Kind.REGION, "US", "United States")


def _group(place: Place, count: int, *alts: Place) -> PlaceMentions:
    mentions = tuple(
        Mention("a", i * 10, i * 10 + len(place.name), place.name, place, "x", 0, 0.5, alts) for i in range(count)
    )
    return PlaceMentions(place, mentions)


def _list(qtbot) -> PlacesList:
    places = PlacesList()
    qtbot.addWidget(places)
    places.fill([_group(DALLAS, 1), _group(TX, 3, FR), _group(AUSTIN, 1), _group(TEXAS, 2)])
    return places


def test_most_mentioned_first_then_by_name(qtbot):
    places = _list(qtbot)
    assert places.place_ids() == [TX.id, TEXAS.id, AUSTIN.id, DALLAS.id]
    assert places.proxy.index(0, COL_MENTIONS).data() == "3"
    places.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    assert places.place_ids()[0] == AUSTIN.id


def test_selecting_emits_the_ids_and_a_focus(qtbot):
    places = _list(qtbot)
    selected, focused = [], []
    places.selectedPlaces.connect(selected.append)
    places.focusRequested.connect(focused.append)
    assert places.select_place(DALLAS.id)
    assert selected[-1] == [DALLAS.id] and focused == [DALLAS.id]
    assert places.select_place(AUSTIN.id, focus=False)  # the map already shows it
    assert selected[-1] == [AUSTIN.id] and focused == [DALLAS.id]
    assert places.selected_place_ids() == [AUSTIN.id]
    assert not places.select_place("geonames:0") and places.row_of("geonames:0") is None


def test_refilling_clears_the_selection(qtbot):
    places = _list(qtbot)
    places.select_place(DALLAS.id)
    places.fill([_group(FR, 1)])
    assert places.place_ids() == [FR.id] and places.selected_place_ids() == []


def test_context_menu_offers_alternatives_and_not_a_place(qtbot):
    places = _list(qtbot)
    menu = places.place_menu(TX.id)
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()]
    assert texts[-2:] == ["Search the gazetteer…", "Not a place"] and texts[0].startswith("Paris — city, France")
    with qtbot.waitSignal(places.correctionChosen, timeout=1000) as chosen:
        next(a for a in menu.actions() if a.text() == "Not a place").trigger()
    assert chosen.args[0].removes and chosen.args[0].place_id == TX.id
    assert places.place_menu("geonames:0") is None


def test_filters_combine_and_the_article_column(qtbot):
    from viewer.placeslist import COL_ARTICLE

    places = PlacesList()
    qtbot.addWidget(places)
    other = PlaceMentions(AUSTIN, (Mention("b", 0, 6, "Austin", AUSTIN, "x", 0, 0.9),))
    both = PlaceMentions(DALLAS, (Mention("a", 0, 6, "Dallas", DALLAS, "x", 0, 0.9), Mention("b", 9, 15, "Dallas", DALLAS, "x", 0, 0.9)))
    places.fill([_group(TX, 3), _group(FR, 1), other, both, _group(TEXAS, 2)], titles={"a": "First", "b": "Second"})
    assert places.countries() == ["France", "United States"] and places.kinds() == ["city", "region"]
    column = {places.proxy.index(r, COL_NAME).data(): places.proxy.index(r, COL_ARTICLE).data() for r in range(5)}
    assert column == {"Paris": "First", "Austin": "Second", "Dallas": "First +1", "Texas": "First"}
    places.proxy.set_rule(text="paR")
    assert sorted(places.place_ids()) == sorted([TX.id, FR.id])
    places.proxy.set_rule(country="United States")
    assert places.place_ids() == [TX.id]
    places.proxy.set_rule(text="", kind="region")
    assert places.place_ids() == [TEXAS.id]
    places.proxy.set_rule(kind="", article="b")
    assert sorted(places.place_ids()) == sorted([AUSTIN.id, DALLAS.id])
    places.proxy.set_rule(country="", article="")
    assert len(places.place_ids()) == 5
