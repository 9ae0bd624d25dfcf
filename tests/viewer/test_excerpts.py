"""viewer.excerpts: excerpt and distance HTML (no Qt), and the panel's "Did you mean…" links."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl

from places.model import Kind, Mention, Place, PlaceMentions
from viewer.excerpts import CORRECT_SCHEME, ExcerptView, distance_html, excerpt_html

TX = Place("geonames:4717560", "Paris", 33.66, -95.56, Kind.CITY, "US", "United States")
FR = Place("geonames:2988507", "Paris", 48.85, 2.35, Kind.CITY, "FR", "France")
MOSCOW = Place("geonames:524901", "Moscow", 55.75, 37.62, Kind.CITY, "RU", "Russia")
VLAD = Place("geonames:2013348", "Vladivostok", 43.11, 131.87, Kind.CITY, "RU", "Russia")


def _group(place: Place, excerpt: str, *, confidence: float = 1.0, alts: tuple[Place, ...] = ()) -> PlaceMentions:
    start = excerpt.index(place.name)
    mention = Mention("a", start, start + len(place.name), place.name, place, excerpt, 0, confidence, alts)
    return PlaceMentions(place, (mention,))


def test_excerpt_html_escapes_and_highlights():
    group = _group(VLAD, "Ships <img src=x onerror=alert(1)> left Vladivostok.")
    markup = excerpt_html(group, titles={"a": "A"})
    assert "<img" not in markup and "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert "font-weight:bold'>Vladivostok</span>" in markup
    assert "city, Russia · 1 mention" in markup
    assert "<div" not in markup  # one article: no captions
    assert "<div style='color:#666;font-size:small'>A</div>" in excerpt_html(group, titles={"a": "A", "b": "B"})


def test_distance_html_is_the_great_circle():
    text = distance_html(_group(MOSCOW, "Moscow."), _group(VLAD, "Vladivostok."))
    km = int(text.split("<b>")[1].split(" km")[0].replace(",", ""))
    assert 6300 < km < 6500 and "nautical miles" in text


def test_low_confidence_offers_corrections_that_come_back_as_a_signal(qtbot):
    view = ExcerptView()
    qtbot.addWidget(view)
    sure = _group(VLAD, "Ships left Vladivostok.")
    doubtful = _group(TX, "Paris is small.", confidence=0.4, alts=(FR,))
    view.show_places([sure], titles={"a": "A"})
    assert "Did you mean" not in view.text()
    view.show_places([doubtful], titles={"a": "A"})
    assert "Did you mean" in view.text() and "Paris — city, France" in view.text()
    with qtbot.waitSignal(view.correctionChosen, timeout=1000) as chosen:
        view.anchorClicked.emit(QUrl(f"{CORRECT_SCHEME}:0"))
    assert chosen.args[0].to == FR
    view.anchorClicked.emit(QUrl(f"{CORRECT_SCHEME}:99"))  # a stale link does nothing
    view.anchorClicked.emit(QUrl("https://example.org/"))


def test_excerpts_are_grouped_by_article():
    from places.model import Kind, Mention, Place, PlaceMentions
    from viewer.excerpts import excerpt_html

    city = Place("geonames:1", "Odesa", 46.48, 30.72, Kind.CITY, "UA", "Ukraine")
    mentions = tuple(Mention(a, s, s + 5, "Odesa", city, f"{a}{s} Odesa.", s - 4, 1.0, ()) for a, s in (("a", 4), ("b", 4), ("a", 40)))
    markup = excerpt_html(PlaceMentions(city, mentions), titles={"a": "First", "b": "Second"})
    assert markup.count("First") == 1 and markup.count("Second") == 1
    assert markup.index("First") < markup.index("a4") < markup.index("a40") < markup.index("Second") < markup.index("b4")


def test_associative_mentions_are_listed_under_their_own_heading():
    russia = Place("country:RU", "Russia", 61.5, 105.3, Kind.COUNTRY, "RU", "Russia")
    text = "Russian ships left Russia; Russian crews stayed."
    named = Mention("a", 19, 25, "Russia", russia, text, 0)
    first = Mention("a", 0, 7, "Russian", russia, text, 0, role="associative")
    second = Mention("a", 27, 34, "Russian", russia, text, 0, role="associative")
    markup = excerpt_html(PlaceMentions(russia, (named,), (first, second)), titles={"a": "A"})
    assert "· 1 mention<" in markup
    assert markup.index("Russian — 2 associative mentions") > markup.index(">Russia</span>")
    assert markup.count("<span style='background-color:#ffe58a;font-weight:bold'>Russian</span>") == 2
    only = excerpt_html(PlaceMentions(russia, (), (first,)), titles={"a": "A"})
    assert "mention<" not in only.split("</p>")[0] and "Russian — 1 associative mention" in only


def test_in_the_window_a_country_named_only_by_a_demonym_is_shaded_listed_apart_never_pinned(qtbot, make_window, tmp_path, monkeypatch):
    import json

    import pytest

    from tests.support.window import open_and_wait, run_page_js
    from viewer import dialogs
    from viewer.placeslist import COL_MENTIONS

    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    article = tmp_path / "crews.txt"
    article.write_text("Crews\n\nChinese ships sailed past Manila. Russian crews left Russia for Manila.\n", encoding="utf-8")
    window = make_window()
    open_and_wait(qtbot, window, article)
    groups = window.session.groups
    china, russia = groups["country:CN"], groups["country:RU"]
    assert (china.count, len(china.associative), russia.count, len(russia.associative)) == (0, 1, 1, 1)
    assert window.status_label.text().startswith("2 places found in 3 mentions")  # Manila twice, Russia once
    page = window.map_view.page()
    drawn = json.loads(run_page_js(qtbot, page, "JSON.stringify({pin: !!document.querySelector('.gz-pin[data-place-id=\"country:CN\"]'),"
                                                " light: [...document.querySelectorAll('.gz-country-associative')].map(n => n.getAttribute('data-place-id')),"
                                                " legend: (document.querySelector('.gz-legend-associative') || {}).textContent || ''})"))  # fmt: skip
    assert drawn["pin"] is False and drawn["light"] == ["country:CN"] and "demonyms" in drawn["legend"]
    row = window.places.row_of("country:CN")
    cell = row.siblingAtColumn(COL_MENTIONS)
    assert cell.data() == "1 associative" and row.data(Qt.ItemDataRole.FontRole).italic()
    window.places.select_place("country:CN")
    assert "Chinese — 1 associative mention" in window.excerpts.text() and "Chinese ships sailed" in window.excerpts.text()
    window.places.select_place("country:RU")
    text = window.excerpts.text()
    assert "1 mention" in text and text.index("Russian — 1 associative mention") > text.index("left Russia")


def test_the_reference_articles_plotted_points_do_not_change_with_demonyms(qtbot, make_window, tmp_path):
    import shutil

    from places.geoparse import shared_geoparser
    from places.model import group_by_place
    from places.sources import load_sources
    from tests.conftest import shared_path
    from tests.support.window import open_and_wait

    article = tmp_path / "putin-kim.txt"
    shutil.copy(shared_path("articles", "putin-kim-vostochny.txt"), article)
    window = make_window()
    open_and_wait(qtbot, window, article)
    plain = [shared_geoparser().parse(a) for a in load_sources([article])]
    expected = [(g.place.id, g.place.lat, g.place.lon, g.count) for g in group_by_place(plain)]
    shown = [(g.place.id, g.place.lat, g.place.lon, g.count) for g in window.session.groups.values() if g.named]
    assert shown == expected
    assert any(g.associative for g in window.session.groups.values())  # "Russian …": the demonyms are there too
