"""The map at scale in Chromium: time bar, title box, clusters, heat map, tooltips, legend, popups."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.model import Article, GeoparsedArticle, Kind, Place
from tests.support.browser import Opened
from tests.support.grain import grain_doc
from tests.support.mentions import mentions_by_name
from tests.support.synthetic import synthetic_docs
from viewer.export import export_map

# Screen rectangles of what the map draws, and whether any two of a kind overlap.
RECTS_JS = """(selector) => Array.from(document.querySelectorAll(selector)).map((n) => {
  const r = n.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
  count: +(n.dataset.count || 1), id: n.dataset.placeId || ""}; })"""
DRAWN_JS = """() => { const sum = (s) => Array.from(document.querySelectorAll(s)).reduce((a, n) => a + +(n.dataset.count || 1), 0);
  return sum(".gz-cluster") + sum(".gz-pin[data-place-id]"); }"""


def _overlapping(rects: list[dict]) -> list[tuple[dict, dict]]:
    return [
        (a, b) for i, a in enumerate(rects) for b in rects[i + 1 :]
        if a["left"] < b["right"] and a["right"] > b["left"] and a["top"] < b["bottom"] and a["bottom"] > b["top"]
    ]  # fmt: skip


def _inside(rect: dict, frame: dict) -> bool:
    return rect["left"] >= frame["left"] and rect["top"] >= frame["top"] and rect["right"] <= frame["right"] and rect["bottom"] <= frame["bottom"]


def _export(tmp_path: Path, docs: list[GeoparsedArticle], name: str = "map.html", **options) -> Path:
    path = tmp_path / name
    export_map(docs, path, fmt="html", **options)
    return path


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[GeoparsedArticle], Path]:
    """600 places over 60 articles dated over 7 days, the whole world."""
    docs = synthetic_docs(places=600, articles=60, days=7)
    return docs, _export(tmp_path_factory.mktemp("week"), docs, "week.html")


def test_time_bar_filters_the_map_by_day_and_week(browser, week) -> None:  # noqa: ANN001
    docs, path = week
    opened = Opened(browser, path)
    page = opened.page
    try:
        assert page.locator(".gz-timebar").is_visible()
        assert page.evaluate("gazette.time()")["index"] == -1  # all dates at first
        everything = page.evaluate(DRAWN_JS)
        assert everything == len(page.evaluate("gazette.shownPlaces()")) == 600
        # Day 3 (2024-03-06): the places of the articles published that day, and only those.
        page.evaluate("() => { const r = document.querySelector('.gz-time-range'); r.value = '2'; r.dispatchEvent(new Event('input')); }")
        day = {m.place.id for d in docs if d.article.published == "2024-03-06" for m in d.mentions}
        assert set(page.evaluate("gazette.shownPlaces()")) == day
        assert page.evaluate(DRAWN_JS) == len(day)  # the markers on the map follow
        assert "2024-03-06" in page.inner_text(".gz-time-label")
        # By week: the whole week is one step.
        page.select_option(".gz-time-unit", "week")
        assert page.evaluate("gazette.time()")["unit"] == "week"
        assert len(page.evaluate("gazette.shownPlaces()")) == 600
        # Play steps through the days; All shows everything again.
        page.select_option(".gz-time-unit", "day")
        page.evaluate("gazette.setTime(0)")
        page.click(".gz-time-play")
        page.wait_for_function("() => gazette.time().index >= 1", timeout=5_000)
        page.click(".gz-time-reset")
        assert page.evaluate("gazette.time()")["index"] == -1 and page.evaluate(DRAWN_JS) == 600
        assert opened.errors == [] and opened.blocked == []
    finally:
        page.close()


def test_without_dates_there_is_no_time_bar(browser, tmp_path: Path) -> None:  # noqa: ANN001
    opened = Opened(browser, _export(tmp_path, synthetic_docs(places=40, articles=4, dated=False)))
    try:
        assert opened.page.locator(".gz-timebar").count() == 0
        assert opened.page.evaluate("gazette.time()") is None
    finally:
        opened.page.close()


def test_many_articles_give_a_count_and_a_searchable_list(browser, week) -> None:  # noqa: ANN001
    _, path = week
    opened = Opened(browser, path)
    page = opened.page
    try:
        info = page.locator(".gz-info")
        assert "List all 60 articles" in info.inner_text()
        assert not page.locator(".gz-sources").is_visible()  # folded
        box = info.bounding_box()
        assert box["height"] < 800 / 2  # the top half of the map at most
        page.click(".gz-sources-count")
        assert page.locator(".gz-sources").is_visible()
        page.fill(".gz-source-search", "article 17")
        shown = page.eval_on_selector_all(".gz-sources li", "ls => ls.filter(l => !l.hidden).map(l => l.firstChild.textContent)")
        assert shown == ["Synthetic article 17"]
        assert info.bounding_box()["height"] < 800 / 2
        legend = page.locator(".gz-legend").bounding_box()
        assert legend["y"] >= info.bounding_box()["y"] + info.bounding_box()["height"]  # never under the title box
    finally:
        page.close()


def test_cluster_bubbles_never_overlap_at_any_zoom(browser, tmp_path: Path) -> None:  # noqa: ANN001
    # 3,000 places crowded over the United States, like a week of US local news.
    docs = synthetic_docs(places=3000, articles=100, box=(25.0, 49.0, -124.0, -67.0))
    opened = Opened(browser, _export(tmp_path, docs))
    page = opened.page
    try:
        for zoom in (2, 3, 3.5, 4, 5, 6):
            page.evaluate(f"() => {{ {LEAFLET_MAP}.setView([38, -96], {zoom}, {{animate: false}}); }}")
            bubbles = page.evaluate(RECTS_JS, ".gz-cluster")
            pins = page.evaluate(RECTS_JS, ".gz-pin[data-place-id]")
            assert bubbles, zoom
            clash = _overlapping(bubbles) + [(b, p) for b in bubbles for p in pins if _overlapping([b, p])]
            assert clash == [], (zoom, clash[:3])
        # A bubble's click zooms in towards its places.
        page.evaluate(f"() => {LEAFLET_MAP}.setView([38, -96], 3, {{animate: false}})")
        page.locator(".gz-cluster").first.click()
        page.wait_for_function("() => gazette.presentation().zoom > 3", timeout=5_000)
        assert opened.errors == []
    finally:
        page.close()


def test_heat_map_toggle(browser, week) -> None:  # noqa: ANN001
    _, path = week
    opened = Opened(browser, path)
    page = opened.page
    try:
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
        page.click(".gz-heat-toggle")
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
        assert page.get_attribute(".gz-heat-toggle", "aria-pressed") == "true"
        assert page.evaluate(DRAWN_JS) == 0  # the heat map instead of the pins
        painted = page.evaluate(
            """() => { const c = document.querySelector('canvas.leaflet-heatmap-layer');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
        )
        assert painted > 1000
        page.click(".gz-heat-toggle")
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 0 and page.evaluate(DRAWN_JS) == 600
    finally:
        page.close()


LEAFLET_MAP = (
    "window[Object.keys(window).find(k => { try { return window[k] instanceof L.Map; } catch (e) { return false; } })]"
)


def _country(iso: str, name: str, lat: float, lon: float) -> Place:
    return Place(f"country:{iso}", name, lat, lon, Kind.COUNTRY, iso, name, 0, "GeoNames")


def test_tooltips_wrap_at_a_reading_width(browser, tmp_path: Path) -> None:  # noqa: ANN001
    # Japan sits at the right edge of the fitted view, where a tooltip used to get one letter a line.
    places = (_country("PT", "Portugal", 39.5, -8.0), _country("JP", "Japan", 36.0, 138.0))
    text = "Exports from Portugal to Japan rose."
    opened = Opened(browser, _export(tmp_path, [grain_doc(text, places)], connections=True))
    page = opened.page
    try:
        for iso in ("JP", "PT"):
            page.evaluate("id => document.querySelector(`path[data-place-id='${id}']`).dispatchEvent("
                          "new MouseEvent('mouseover', {bubbles: true, clientX: 10, clientY: 10}))", f"country:{iso}")
            tip = page.locator(".leaflet-tooltip").last.bounding_box()
            assert tip["height"] < 40 and tip["width"] > 40, (iso, tip)  # one line, not a column of letters
        # A connection's tooltip: its sentence wraps at a reading width, never a sliver.
        page.evaluate("() => document.querySelector('path.gz-connection').dispatchEvent("
                      "new MouseEvent('mouseover', {bubbles: true, clientX: 600, clientY: 300}))")
        tip = page.locator(".leaflet-tooltip", has_text="rose").bounding_box()
        assert 150 < tip["width"] <= 340, tip
    finally:
        page.close()


def test_the_legend_folds(browser, tmp_path: Path) -> None:  # noqa: ANN001
    opened = Opened(browser, _export(tmp_path, [grain_doc()]))
    page = opened.page
    try:
        legend = page.locator(".gz-legend")
        assert "City or town" in legend.inner_text()  # open on a roomy map with one article
        tall = legend.bounding_box()["height"]
        page.click(".gz-legend-title")
        assert "City or town" not in legend.inner_text()
        assert legend.bounding_box()["height"] < tall / 2
        page.click(".gz-legend-title")
        assert "City or town" in legend.inner_text()
    finally:
        page.close()


def test_a_popup_stays_inside_the_map_and_off_the_boxes(browser, tmp_path: Path) -> None:  # noqa: ANN001
    # Reykjavik is at the top edge of the fitted view, Cape Town at the bottom, Lima at the left:
    # a popup above Reykjavik would leave the map.
    places = tuple(
        Place(f"geonames:{i}", name, lat, lon, Kind.CITY, iso, "", 0, "GeoNames")
        for i, (name, lat, lon, iso) in enumerate(
            [("Reykjavik", 64.1, -21.9, "IS"), ("Cape Town", -33.9, 18.4, "ZA"), ("Lima", -12.0, -77.0, "PE"),
             ("Perth", -31.9, 115.9, "AU")], start=1)
    )  # fmt: skip
    text = "Ships sailed from Reykjavik to Cape Town, then Lima and Perth. " * 3
    article = Article("p", "Long voyage", text, source="voyage.txt")
    doc = GeoparsedArticle(article, mentions_by_name("p", text, places))
    opened = Opened(browser, _export(tmp_path, [doc]))
    page = opened.page
    try:
        frame = page.evaluate("() => { const r = document.querySelector('.gz-map').getBoundingClientRect();"
                              " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }")
        for place in places:
            page.click(f'.leaflet-marker-icon[data-place-id="{place.id}"]')
            page.wait_for_selector(f'.leaflet-popup .gz-popup[data-place-id="{place.id}"]')
            popup = page.evaluate(RECTS_JS, ".leaflet-popup-content-wrapper")[-1]
            assert _inside(popup, frame), (place.name, popup)
            pin = [r for r in page.evaluate(RECTS_JS, ".leaflet-marker-icon") if r["id"] == place.id]
            assert pin and not _overlapping([popup, pin[0]]), place.name  # never over its own pin
            assert not [b for b in page.evaluate(RECTS_JS, ".gz-info, .gz-legend") if _overlapping([popup, b])], place.name
            page.click(".leaflet-popup-close-button")
        assert opened.errors == []
    finally:
        page.close()
