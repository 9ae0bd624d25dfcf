"""viewer.reading: the whole article with every mention highlighted (no Qt), and in the window a click selects."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from tests.support.folders import write_articles
from tests.support.window import open_and_wait
from viewer.reading import PLACE_SCHEME, ReadingView, reading_html

ODESA = Place("geonames:698740", "Odesa", 46.48, 30.72, Kind.CITY, "UA", "Ukraine")
VARNA = Place("geonames:726050", "Varna", 43.21, 27.91, Kind.CITY, "BG", "Bulgaria")


def _doc(text: str, spans: list[tuple[int, int, Place]], title: str = "<b>Ports</b> & more") -> GeoparsedArticle:
    mentions = tuple(Mention("a", s, e, text[s:e], p, text, 0, 0.9) for s, e, p in spans)
    return GeoparsedArticle(Article("a", title, text), mentions)


def test_every_mention_is_a_link_and_the_text_stays_text():
    text = "Ships <script>x</script> left Odesa.\n\nThey reached Varna & Odesa's twin."
    spans = [(text.index("Odesa"), text.index("Odesa") + 5, ODESA), (text.index("Varna"), text.index("Varna") + 5, VARNA),
             (text.rindex("Odesa"), text.rindex("Odesa") + 5, ODESA)]
    page, ids = reading_html(_doc(text, spans))
    assert ids == [ODESA.id, VARNA.id, ODESA.id]
    assert page.count(f"href='{PLACE_SCHEME}:") == 3
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;Ports&lt;/b&gt; &amp; more" in page
    assert page.count("<p>") == 2  # a paragraph per blank-line block


def test_overlapping_and_out_of_range_mentions_are_left_out():
    text = "New York and York"
    spans = [(0, 8, ODESA), (4, 8, VARNA), (13, 17, VARNA), (15, 99, ODESA)]
    _page, ids = reading_html(_doc(text, spans))
    assert ids == [ODESA.id, VARNA.id]


def test_the_view_marks_the_selected_place_and_shows_the_article_naming_it(qtbot):
    view = ReadingView()
    qtbot.addWidget(view)
    view.show()
    first = _doc("Ships left Odesa.", [(11, 16, ODESA)], title="First")
    second = GeoparsedArticle(Article("b", "Second", "Patrols off Varna."), (Mention("b", 12, 17, "Varna", VARNA, "", 0, 0.9),))
    view.set_docs([first, second])
    assert view.article_id == "a" and view.mention_names() == [("Odesa", ODESA.id)]
    view.show_places([VARNA.id])
    assert view.article_id == "b" and view.mention_names() == [("Varna", VARNA.id)]
    assert "#f0a830" in view.toHtml()  # the selected place's names stand out


def test_the_reading_view_in_the_window_highlights_every_mention_and_a_click_selects(qtbot, make_window, tmp_path):
    window = make_window()
    open_and_wait(qtbot, window, write_articles(tmp_path / "week"))
    panel = window.side_panel
    odesa_doc = next(d for d in window.docs if d.article.title == "Ships leave Odesa")
    panel.choose_article(odesa_doc.article.id)
    panel.tabs.setCurrentWidget(panel.reading)
    reading = window.reading
    qtbot.waitUntil(reading.isVisible, timeout=2000)
    expected = [(m.text, m.place.id) for m in sorted(odesa_doc.mentions, key=lambda m: m.start)]
    assert reading.mention_names() == expected and len(expected) == 4  # Odesa ×3, Istanbul
    assert odesa_doc.article.text.split("\n")[-1] in reading.toPlainText()  # the whole article

    istanbul = next(pid for _text, pid in expected if window.session.groups[pid].place.name == "Istanbul")
    cursor = QTextCursor(reading.document())
    cursor.setPosition(reading.toPlainText().index("Istanbul") + 3)
    point = reading.cursorRect(cursor).center()
    with qtbot.waitSignal(reading.placeChosen, timeout=2000) as chosen:
        QTest.mouseClick(reading.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert chosen.args == [istanbul]
    assert window.places.selected_place_ids() == [istanbul]
    assert "Istanbul" in window.excerpts.text()  # the short form follows the selection too
