"""viewer.excerpts: excerpt and distance HTML (no Qt), and the panel's "Did you mean…" links."""

from __future__ import annotations

from PySide6.QtCore import QUrl

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
