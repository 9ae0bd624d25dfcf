"""viewer.panel: the filters, the Article column, an article chosen (table and map), sort by mentions, Zoom to all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.support.folders import write_articles
from tests.support.window import open_and_wait, page_value
from viewer.panel import ALL_ARTICLES
from viewer.placeslist import COL_ARTICLE, COL_MENTIONS, COL_NAME

LEAFLET_MAP = (
    "window[Object.keys(window).find(k => { try { return window[k] instanceof L.Map; } catch (e) { return false; } })]"
)


@pytest.fixture
def folder_window(qtbot, make_window, tmp_path):
    window = make_window()
    open_and_wait(qtbot, window, write_articles(tmp_path / "week"))
    return window


def shown_names(window) -> list[str]:
    places = window.places
    return [places.proxy.index(r, COL_NAME).data() for r in range(places.proxy.rowCount())]


def article_id(window, title: str) -> str:
    return next(d.article.id for d in window.docs if d.article.title == title)


def test_filter_by_name_country_and_kind(qtbot, folder_window):
    window, panel = folder_window, folder_window.side_panel
    everything = sorted(shown_names(window))
    assert {"Odesa", "Varna", "Pyongyang", "Moscow", "Houston", "Dallas", "Texas", "Istanbul"} <= set(everything)
    panel.search.setText("  ODE ")
    assert shown_names(window) == ["Odesa"]
    panel.search.setText("")
    assert sorted(shown_names(window)) == everything
    panel.country.setCurrentIndex(panel.country.findText("United States"))
    assert sorted(shown_names(window)) == ["Dallas", "Houston", "Texas"]
    panel.kind.setCurrentIndex(panel.kind.findData("region"))
    assert shown_names(window) == ["Texas"]
    panel.search.setText("x")  # the parts combine
    assert shown_names(window) == ["Texas"]
    panel.search.setText("Dal")
    assert shown_names(window) == []
    panel.country.setCurrentIndex(0)
    panel.kind.setCurrentIndex(0)
    assert shown_names(window) == ["Dallas"]
    assert panel.country.itemText(0) == "Any country" and panel.kind.itemText(0) == "Any kind"
    assert [panel.country.itemText(i) for i in range(1, panel.country.count())] == sorted(
        {g.place.country_name or g.place.country for g in window.session.groups.values()}, key=str.casefold
    )


def test_the_article_column_names_each_places_articles(qtbot, folder_window, tmp_path):
    window = folder_window
    row = window.places.row_of(next(pid for pid, g in window.session.groups.items() if g.place.name == "Odesa"))
    assert window.places.model().headerData(COL_ARTICLE, Qt.Orientation.Horizontal) == "Article"
    assert row.siblingAtColumn(COL_ARTICLE).data() == "Ships leave Odesa"
    both = tmp_path / "both.txt"
    both.write_text("Odesa and Varna\n\nShips left Odesa for Varna.\n", encoding="utf-8")
    open_and_wait(qtbot, window, tmp_path / "week", both)
    varna = window.places.row_of(next(pid for pid, g in window.session.groups.items() if g.place.name == "Varna"))
    assert varna.siblingAtColumn(COL_ARTICLE).data() == "Patrols near Varna +1"
    assert varna.siblingAtColumn(COL_ARTICLE).data(Qt.ItemDataRole.ToolTipRole) == "Patrols near Varna\nOdesa and Varna"


def test_clicking_an_article_shows_only_its_places_in_the_table_and_on_the_map(qtbot, folder_window):
    window, panel = folder_window, folder_window.side_panel
    everything = set(window.session.groups)
    assert set(page_value(qtbot, window, "gazette.shownPlaces()")) == everything
    texas = article_id(window, "Floods in Texas")
    items = [panel.articles.item(r) for r in range(panel.articles.count())]
    assert [i.text() for i in items] == [ALL_ARTICLES, "Talks in Pyongyang", "Ships leave Odesa", "Patrols near Varna", "Floods in Texas"]
    rect = panel.articles.visualItemRect(items[4])
    from PySide6.QtTest import QTest

    QTest.mouseClick(panel.articles.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sorted(shown_names(window)) == ["Dallas", "Houston", "Texas"]
    ids = {pid for pid, g in window.session.groups.items() if g.place.name in ("Dallas", "Houston", "Texas")}
    qtbot.waitUntil(lambda: set(page_value(qtbot, window, "gazette.shownPlaces()")) == ids, timeout=5000)
    assert panel.reading.article_id == texas  # the reading view reads it
    QTest.mouseClick(panel.articles.viewport(), Qt.MouseButton.LeftButton, pos=panel.articles.visualItemRect(items[0]).center())
    assert set(window.places.place_ids()) == everything
    qtbot.waitUntil(lambda: set(page_value(qtbot, window, "gazette.shownPlaces()")) == everything, timeout=5000)


def test_an_article_choice_survives_a_redraw(qtbot, folder_window):
    window, panel = folder_window, folder_window.side_panel
    panel.choose_article(article_id(window, "Patrols near Varna"))
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.set_connections(True)
    varna = {pid for pid, g in window.session.groups.items() if g.place.name == "Varna"}
    assert set(window.places.place_ids()) == varna
    qtbot.waitUntil(lambda: set(page_value(qtbot, window, "gazette.shownPlaces()")) == varna, timeout=5000)


def test_sort_by_mentions(qtbot, folder_window):
    window = folder_window
    window.places.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    header = window.places.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(COL_MENTIONS) + header.sectionSize(COL_MENTIONS) // 2, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a click on the header
    counts = [int(window.places.proxy.index(r, COL_MENTIONS).data()) for r in range(window.places.proxy.rowCount())]
    assert window.places.horizontalHeader().sortIndicatorSection() == COL_MENTIONS
    assert counts in (sorted(counts), sorted(counts, reverse=True)) and counts[0] != counts[-1]
    window.places.sortByColumn(COL_MENTIONS, Qt.SortOrder.DescendingOrder)
    first = window.places.place_ids()[0]
    assert window.session.groups[first].place.name == "Odesa"  # named three times, more than any other


def test_zoom_to_all_fits_the_map_to_the_places_shown(qtbot, folder_window):
    window, panel = folder_window, folder_window.side_panel
    points = {pid: (g.place.lat, g.place.lon) for pid, g in window.session.groups.items()}

    def bounds():
        return page_value(qtbot, window, f"(b => [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()])({LEAFLET_MAP}.getBounds())")

    def inside(box, ids) -> bool:
        south, west, north, east = box
        return all(south <= points[i][0] <= north and west <= points[i][1] <= east for i in ids)

    page_value(qtbot, window, f"({LEAFLET_MAP}.setView([47.0, 30.7], 9, {{animate: false}}), true)")  # close in on Odesa
    assert not inside(bounds(), points)
    panel.zoom_button.click()
    qtbot.waitUntil(lambda: inside(bounds(), points), timeout=5000)
    panel.choose_article(article_id(window, "Ships leave Odesa"))
    odesa = {pid for pid, g in window.session.groups.items() if g.place.name in ("Odesa", "Istanbul")}
    qtbot.waitUntil(lambda: set(page_value(qtbot, window, "gazette.shownPlaces()")) == odesa, timeout=5000)
    panel.zoom_button.click()
    qtbot.waitUntil(lambda: inside(bounds(), odesa) and not inside(bounds(), points), timeout=5000)  # only those shown
    box = bounds()
    assert box[3] - box[1] < 40  # Odesa to Istanbul, not the Americas


def test_one_article_hides_the_article_list(qtbot, make_window, tmp_path):
    window = make_window()
    one = tmp_path / "one.txt"
    one.write_text("Port\n\nShips left Odesa.\n", encoding="utf-8")
    open_and_wait(qtbot, window, one)
    assert not window.side_panel.articles.isVisible() and window.side_panel.zoom_button.isVisible()
