"""The zoomed-in offline basemap (assets/js/basemap.js) in a standalone export, network blocked:
10 m shapes and town labels only past their zoom, from the file itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from places.model import GeoparsedArticle
from tests.support import compact_text
from tests.support.browser import Opened
from viewer import webassets
from viewer.export import export_map


@pytest.fixture(scope="module")
def seed_export(seed: list[GeoparsedArticle], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("basemap") / "seed.html"
    export_map(seed, path, fmt="html")
    return path


def _state(page) -> dict:  # noqa: ANN001
    return json.loads(page.evaluate("JSON.stringify(window.gazetteBasemap.describe())"))


def _set_view(page, lat: float, lon: float, zoom: float) -> None:  # noqa: ANN001
    page.evaluate(f"Object.values(window).find(v => v instanceof L.Map).setView([{lat}, {lon}], {zoom}, {{animate: false}})")


def test_export_loads_its_detail_only_when_zoomed_in(browser, seed_export) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_export)
    page = opened.page
    world = _state(page)
    assert world["scale"] == "50m" and not world["detailRequested"] and not world["townsRequested"]
    assert not world["waterRequested"]
    assert page.locator(".gz-town-label").count() == 0

    _set_view(page, 43.12, 131.9, 8)  # Vladivostok at city zoom
    page.wait_for_function("(s => s.detailLoaded && s.waterLoaded && s.towns.length > 2)(window.gazetteBasemap.describe())")
    city = _state(page)
    assert city["scale"] == "10m" and city["rings"] > 100 and city["water"] and city["error"] is None
    assert {"Ussuriysk", "Nakhodka"} <= set(city["towns"]) and "Vladivostok" not in city["towns"]  # pinned already
    assert set(page.locator(".gz-town-label").all_inner_texts()) == set(city["towns"])

    _set_view(page, 40, 100, 2)
    page.wait_for_function("window.gazetteBasemap.describe().towns.length === 0")
    assert _state(page)["scale"] == "50m" and page.locator(".gz-town-label").count() == 0
    assert opened.blocked == [], f"the export tried to reach the network: {opened.blocked}"
    assert opened.errors == []
    page.close()


def test_export_far_from_its_places_stays_on_the_50m_land(browser, seed_export) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_export)
    page = opened.page
    _set_view(page, -15.8, -47.9, 8)  # Brasília: no place of the article is near
    page.wait_for_function("window.gazetteBasemap.describe().detailLoaded")
    state = _state(page)
    assert state["towns"] == []  # the export carries towns only around its places
    # Brazil is not among its 10 m countries: its 50 m shape is drawn instead, not the sea.
    land = page.evaluate("""(() => {
      const c = document.querySelector('.leaflet-gzBasemap-pane canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 28) if (d[i] === 246 && d[i + 1] === 243 && d[i + 2] === 236) n++;
      return n / (d.length / 28);
    })()""")
    assert land > 0.5
    assert opened.blocked == [] and opened.errors == []
    page.close()


def test_the_page_decodes_the_compact_world_and_detail_as_python_wrote_them(browser, seed_export) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_export)
    page = opened.page
    world = page.evaluate("""(() => {
      const topo = gazetteBasemap.parseTopology(document.getElementById("gz-world").textContent);
      let n = 0, sum = 0;
      topo.arcs.forEach(a => a.forEach(p => { n += 1; sum += p[0] * 3 + p[1]; }));
      return [topo.arcs.length, n, sum, Object.keys(topo.objects)];
    })()""")
    whole = json.loads(webassets.read_text(webassets.BASEMAP_TOPOJSON))
    points = [p for arc in whole["arcs"] for p in arc]
    assert world == [len(whole["arcs"]), len(points), sum(x * 3 + y for x, y in points), ["countries"]]
    land = page.evaluate("""(() => {
      const block = JSON.parse(document.getElementById("gz-world-detail").textContent);
      const shapes = gazetteBasemap.cellShapes(block, "land");
      let sum = 0;
      shapes.forEach(s => s.forEach(path => path.forEach(p => { sum += p[0] + 2 * p[1]; })));
      return [shapes.map(s => s.map(path => path.length)), sum];
    })()""")
    block = json.loads(seed_export.read_text(encoding="utf-8").split('id="gz-world-detail">')[1].split("</script>")[0])
    shapes = compact_text.shapes(block["land"])
    (sx, sy), (tx, ty) = block["transform"]["scale"], block["transform"]["translate"]
    expected = sum(x * sx + tx + 2 * (y * sy + ty) for paths in shapes for path in paths for x, y in path)
    assert land[0] == [[len(path) for path in paths] for paths in shapes] and len(land[0]) > 50
    assert abs(land[1] - expected) < 1e-6 * max(1.0, abs(expected))
    assert opened.errors == []
    page.close()
