"""Correcting a reading: the alternatives of a place, "Not a place", and Undo (pytest-qt, offscreen)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from places.model import Article, GeoparsedArticle, Kind, Mention, Place, PlaceMentions, group_by_place
from tests.conftest import shared_path
from tests.support.window import open_and_wait
from viewer.corrections import LOW_CONFIDENCE, apply_correction, corrections_for, place_label
from viewer.webengine import PAGE_NAME
from viewer.placeslist import COL_NAME, PLACE_ID_ROLE
from viewer.window import MainWindow

# Our own words: a Texas Paris among Texas towns, named twice, so that its reading is in doubt.
TEXAS = (
    "Fair week in Lamar County\n\n"
    "Paris is a small town in Lamar County. Travellers drive from Dallas and Austin to Paris for the fair,"
    " then on to Houston.\n"
)

# ---------------------------------------------------------------- the model, no Qt


def _place(pid: str, name: str, kind: Kind, country: str, country_name: str, lat: float, lon: float) -> Place:
    return Place(pid, name, lat, lon, kind, country, country_name)


TX = _place("geonames:4717560", "Paris", Kind.CITY, "US", "United States", 33.66, -95.56)
FR = _place("geonames:2988507", "Paris", Kind.CITY, "FR", "France", 48.85, 2.35)
TN = _place("geonames:4647963", "Paris", Kind.CITY, "US", "United States", 36.30, -88.33)
DALLAS = _place("geonames:4684888", "Dallas", Kind.CITY, "US", "United States", 32.78, -96.81)


def _mention(article: str, start: int, text: str, place: Place, *alts: Place, confidence: float = 0.5) -> Mention:
    return Mention(article, start, start + len(text), text, place, f"{text}.", start, confidence, alts)


def test_place_label_reads_name_kind_country():
    geneva = _place("geonames:2660646", "Geneva", Kind.CITY, "CH", "Switzerland", 46.2, 6.14)
    assert place_label(geneva) == "Geneva — city, Switzerland"
    assert place_label(_place("curated:x", "Black Sea", Kind.WATER, "", "", 43.0, 34.0)) == "Black Sea — water"


def test_corrections_offer_alternatives_best_first_then_not_a_place():
    group = PlaceMentions(TX, (_mention("a", 0, "Paris", TX, FR, TN), _mention("a", 40, "Paris", TX, FR)))
    corrections = corrections_for(group)
    assert [c.to.id if c.to else None for c in corrections] == [FR.id, TN.id, None]
    assert corrections[0].label == "Paris — city, France"
    assert corrections[1].label == "Paris — city, United States"
    assert corrections[-1].label == "Not a place" and corrections[-1].removes
    assert all(c.keys == {("a", "Paris")} and c.place_id == TX.id for c in corrections)


def test_labels_that_read_the_same_get_coordinates():
    tn2 = _place("geonames:1", "Paris", Kind.CITY, "US", "United States", 38.2, -84.25)
    labels = [c.label for c in corrections_for(PlaceMentions(TX, (_mention("a", 0, "Paris", TX, TN, tn2),)))]
    assert labels == [
        "Paris — city, United States (36.30° N, 88.33° W)",
        "Paris — city, United States (38.20° N, 84.25° W)",
        "Not a place",
    ]


def test_correction_reassigns_one_sense_per_name_per_article():
    a = GeoparsedArticle(
        Article("a", "A", ""),
        (
            _mention("a", 0, "Paris", TX, FR, TN),
            _mention("a", 10, "Dallas", DALLAS, confidence=0.95),
            _mention("a", 20, "Paris", TX),  # no alternatives of its own: same name, same sense
            _mention("a", 30, "Paris", FR, TX),  # read otherwise already: left alone
            _mention("a", 40, "Parisian", TX, TN),  # another text, France not offered for it: left alone
        ),
    )
    b = GeoparsedArticle(Article("b", "B", ""), (_mention("b", 0, "Dallas", DALLAS),))
    group = next(g for g in group_by_place([a, b]) if g.place.id == TX.id)
    to_france, to_tennessee, _ = corrections_for(group)
    assert to_france.to == FR and to_france.keys == {("a", "Paris")}
    assert to_tennessee.to == TN and to_tennessee.keys == {("a", "Paris"), ("a", "Parisian")}
    new_a, new_b = apply_correction([a, b], to_france)
    assert new_b is b
    assert a.mentions[0].place == TX  # frozen: the old model is intact, for Undo
    places = [(m.text, m.place.id, m.confidence) for m in new_a.mentions]
    assert places == [
        ("Paris", FR.id, 1.0),
        ("Dallas", DALLAS.id, 0.95),
        ("Paris", FR.id, 1.0),
        ("Paris", FR.id, 0.5),
        ("Parisian", TX.id, 0.5),
    ]
    assert new_a.mentions[0].alternatives == (TX, TN)  # the old reading is offered back
    assert new_a.mentions[2].alternatives == (TX,)
    assert [(m.start, m.end, m.excerpt) for m in new_a.mentions] == [(m.start, m.end, m.excerpt) for m in a.mentions]

    gone = next(c for c in corrections_for(group) if c.removes)
    removed, same_b = apply_correction([a, b], gone)
    assert same_b is b
    assert [(m.text, m.place.id) for m in removed.mentions] == [("Dallas", DALLAS.id), ("Paris", FR.id)]


# ---------------------------------------------------------------- the window


def list_rows(window: MainWindow) -> list[tuple]:
    proxy = window.places.proxy
    return [tuple(proxy.index(r, c).data() for c in range(proxy.columnCount())) for r in range(proxy.rowCount())]


def list_ids(window: MainWindow) -> list[str]:
    return [window.places.proxy.index(r, COL_NAME).data(PLACE_ID_ROLE) for r in range(window.places.proxy.rowCount())]


def served_places(window: MainWindow) -> dict[str, int]:
    """Place id -> mention count, read from the map page the scheme handler serves now."""
    served = window.map_view.engine.scheme_handler.lookup(PAGE_NAME)
    assert served is not None
    page = served[1].decode("utf-8")
    found = {pid: int(n) for pid, n in re.findall(r'\{"id":"([^"]+)","name":"[^"]*","kind":.*?"count":(\d+)', page)}
    assert found, "no places payload in the served page"
    return found


def snapshot(window: MainWindow) -> tuple:
    return list_rows(window), served_places(window), window.status_label.text(), window.docs


def menu_actions(window: MainWindow, place_id: str) -> dict[str, QAction]:
    menu = window.places.place_menu(place_id)
    assert menu is not None
    return {a.text(): a for a in menu.actions() if a.isEnabled() and not a.isSeparator()}


def in_doubt(window: MainWindow, name: str) -> str:
    """The id of the place called ``name`` whose reading is least sure and has alternatives."""
    groups = [g for g in window.session.groups.values() if g.place.name == name and any(m.alternatives for m in g.mentions)]
    assert groups, f"no {name} with alternatives among {[g.place.name for g in window.session.groups.values()]}"
    return min(groups, key=lambda g: min(m.confidence for m in g.mentions)).place.id


@pytest.fixture
def texas_window(qtbot, make_window, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: pytest.fail(text))
    path = tmp_path / "fair.txt"
    path.write_text(TEXAS, encoding="utf-8")
    window = make_window()
    open_and_wait(qtbot, window, path)
    return window


def test_choosing_an_alternative_and_undo(qtbot, texas_window, tmp_path):
    window = texas_window
    paris = in_doubt(window, "Paris")
    group = window.session.groups[paris]
    assert group.count == 2
    before = snapshot(window)
    assert not window.undo_action.isEnabled()
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)

    actions = menu_actions(window, paris)
    assert "Not a place" in actions
    offered = [text for text in actions if text != "Not a place"]
    assert offered, "the menu offers no alternative"
    assert all(re.fullmatch(r"\S.* — [a-z]+(, .+)?", text) for text in offered), offered
    label = offered[0]
    alternative = actions[label].data()
    assert alternative and alternative != paris

    with qtbot.waitSignal(window.mapReady, timeout=30000):
        actions[label].trigger()

    # Both mentions of "Paris" now read as the chosen place, in the list, the page and the status bar.
    assert paris not in list_ids(window) and alternative in list_ids(window)
    assert window.places.selected_place_ids() == [alternative]
    assert [m.place.id for m in window.docs[0].mentions if m.text == "Paris"] == [alternative, alternative]
    served = served_places(window)
    assert paris not in served and served[alternative] == 2
    assert set(served) == set(list_ids(window))
    assert window.status_label.text() != before[2]
    assert "now read as" in window.status_label.text() and label in window.status_label.text()
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Correction"

    # Exports see the correction.
    assert window.export_to(tmp_path / "fixed.geojson", fmt="geojson")
    exported = json.loads((tmp_path / "fixed.geojson").read_text(encoding="utf-8"))
    ids = {f["properties"]["id"] for f in exported["features"]}
    assert alternative in ids and paris not in ids

    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.undo_action.trigger()
    assert snapshot(window) == before
    assert window.places.selected_place_ids() == [paris]
    assert not window.undo_action.isEnabled()


def test_not_a_place_removes_it_and_undo_restores(qtbot, texas_window):
    window = texas_window
    paris = in_doubt(window, "Paris")
    count = window.session.groups[paris].count
    before = snapshot(window)
    places_before = len(before[0])
    mentions_before = sum(len(d.mentions) for d in window.docs)

    with qtbot.waitSignal(window.mapReady, timeout=30000):
        menu_actions(window, paris)["Not a place"].trigger()

    assert paris not in list_ids(window) and len(list_rows(window)) == places_before - 1
    assert paris not in served_places(window)
    assert all(m.place.id != paris for d in window.docs for m in d.mentions)
    assert sum(len(d.mentions) for d in window.docs) == mentions_before - count
    status = window.status_label.text()
    assert status.startswith(f"{places_before - 1} places found in {mentions_before - count} mentions")
    assert "not a place" in status

    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.undo_action.trigger()
    assert snapshot(window) == before


def test_did_you_mean_line_for_low_confidence_places(qtbot, texas_window):
    window = texas_window
    paris = in_doubt(window, "Paris")
    assert min(m.confidence for m in window.session.groups[paris].mentions) < LOW_CONFIDENCE
    sure = [g.place.id for g in window.session.groups.values() if min(m.confidence for m in g.mentions) >= LOW_CONFIDENCE]
    assert sure, "every place is in doubt: the test text no longer separates them"
    window.places.select_place(sure[0])
    assert "Did you mean" not in window.excerpts.text()

    window.places.select_place(paris)
    assert "Did you mean" in window.excerpts.text()
    links = re.findall(r'<a href="(gazette-correct:\d+)">.*?<span[^>]*>([^<]+)</span>', window.excerpts.toHtml())
    labels = [text for _, text in links]
    assert labels[-1] == "Not a place" and len(labels) >= 2
    assert labels[:-1] == [t for t in menu_actions(window, paris) if t != "Not a place"]  # same as the menu
    href, label = links[0]
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.excerpts.anchorClicked.emit(QUrl(href))
    assert paris not in list_ids(window)
    assert label in window.status_label.text()


def test_one_undo_stack_for_open_and_corrections(qtbot, texas_window, tmp_path):
    window = texas_window
    first = window.paths
    original = window.docs
    paris = in_doubt(window, "Paris")
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        menu_actions(window, paris)["Not a place"].trigger()
    corrected = window.docs
    other = tmp_path / "other.txt"
    other.write_text("Ships left Vladivostok for Pyongyang on Monday.\n", encoding="utf-8")
    open_and_wait(qtbot, window, other)
    assert window.undo_action.text() == "&Undo Open"
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.undo_action.trigger()
    assert (window.paths, window.docs) == (first, corrected)
    assert window.undo_action.text() == "&Undo Correction"
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.undo_action.trigger()
    assert (window.paths, window.docs) == (first, original)
    assert not window.undo_action.isEnabled()


def test_correcting_the_seed_article_in_process_mode(qtbot, make_window, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: pytest.fail(text))
    window = make_window(parse=None)  # parsed in the child process, as the app does
    open_and_wait(qtbot, window, shared_path("articles", "putin-kim-vostochny.txt"))
    candidates = [g for g in window.session.groups.values() if any(m.alternatives for m in g.mentions)]
    assert candidates, "no place of the seed article has alternatives"
    group = min(candidates, key=lambda g: min(m.confidence for m in g.mentions))
    before = snapshot(window)
    actions = menu_actions(window, group.place.id)
    label = next(t for t in actions if t != "Not a place")
    alternative = actions[label].data()
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        actions[label].trigger()
    assert group.place.id not in served_places(window) and alternative in served_places(window)
    assert window.export_to(tmp_path / "seed.csv", fmt="csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "seed.csv").read_text(encoding="utf-8"))))
    assert group.place.id not in {r["place_id"] for r in rows}
    assert sum(r["place_id"] == alternative for r in rows) >= 1
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.undo_action.trigger()
    assert snapshot(window) == before


def test_menu_for_an_unknown_place_is_none(qtbot, texas_window):
    assert texas_window.places.place_menu("geonames:0") is None
