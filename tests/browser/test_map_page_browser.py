"""The map page in Chromium: title box, compact credits, connection legend, pin labels, country shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.model import GeoparsedArticle, Kind, Place
from tests.support.browser import Opened
from tests.support.grain import grain_doc
from viewer.export import export_map


@pytest.fixture(scope="module")
def seed_connections_html(seed: list[GeoparsedArticle], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "seed-connections.html"
    export_map(seed, path, fmt="html", connections=True)
    return path


def test_seed_page_title_credits_legend_and_labels(browser, seed, seed_connections_html) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_connections_html)
    page = opened.page
    try:
        # One article: its title once, then where it came from; no list repeating the title.
        info = page.locator(".gz-info")
        assert page.locator(".gz-info .gz-title").text_content() == seed[0].article.title
        assert page.locator(".gz-info .gz-sources").count() == 0
        assert info.inner_text().count(seed[0].article.title) == 1
        assert Path(seed[0].article.source).name in info.inner_text()  # the file name, never the folder
        assert str(Path(seed[0].article.source).parent) not in info.inner_text()

        # Credits: readable names, links only to http(s) sites, no page URLs.
        credits = page.inner_text(".leaflet-control-attribution")
        assert "Natural Earth" in credits and "http" not in credits and "/wiki/" not in credits
        hrefs = page.eval_on_selector_all(".leaflet-control-attribution a", "as => as.map(a => a.href)")
        assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)

        # Connection lines have a legend row.
        assert page.locator(".gz-legend .gz-legend-line").count() == 1
        assert "same sentence" in page.inner_text(".gz-legend")

        # Every facility keeps its label at the fitted view, and no two shown labels overlap.
        facilities = sorted({m.place.name for d in seed for m in d.mentions if m.place.kind.value == "facility"})
        result = page.evaluate(
            """(names) => {
                const shown = Array.from(document.querySelectorAll(".gz-pin-label"))
                  .filter((n) => n.isConnected && n.style.visibility !== "hidden");
                const rects = shown.map((n) => n.getBoundingClientRect());
                const clash = rects.some((a, i) => rects.some((b, j) => i < j &&
                  a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top));
                const texts = shown.map((n) => n.textContent);
                return { clash, shown: texts, inPins: names.filter((n) =>
                  document.querySelector(`.leaflet-marker-icon[aria-label="${n}"]`)) };
            }""",
            facilities,
        )
        assert not result["clash"], result
        # A facility clustered with another place (the Kremlin in Moscow) has no pin to label.
        assert "Vostochny Cosmodrome" in result["inPins"], result
        for name in result["inPins"]:
            assert name in result["shown"], result
        assert opened.errors == [] and opened.blocked == []
    finally:
        page.close()


def test_a_country_whose_code_natural_earth_shares_is_one_whole_shape(browser, tmp_path: Path) -> None:  # noqa: ANN001
    # Natural Earth gives Ashmore and Cartier Is. Australia's code (036); the shape must still be
    # the whole of Australia, not the islets alone.
    australia = Place("country:AU", "Australia", -25.0, 135.0, Kind.COUNTRY, "AU", "Australia", 0, "GeoNames")
    text = "Wheat prices fell after the harvest forecast in Australia improved."
    path = tmp_path / "australia.html"
    export_map([grain_doc(text, (australia,))], path, fmt="html")
    opened = Opened(browser, path)
    try:
        page = opened.page
        page.evaluate("gazette.focusPlace('country:AU')")
        box = page.wait_for_function(
            """() => { const p = document.querySelector('path[data-place-id="country:AU"]');
                       const r = p && p.getBoundingClientRect();
                       return r && r.width > 300 && r.height > 300 ? [r.width, r.height] : null; }""",
            timeout=8_000,
        ).json_value()
        assert box[0] > 300 and box[1] > 300, box
        assert "Australia" in opened.popup_text("Australia")
    finally:
        page.close()
