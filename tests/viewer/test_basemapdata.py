"""viewer.basemapdata: the zoomed-in basemap's 10 m shapes and towns, for the window and for exports."""

from __future__ import annotations

import json

import pytest

from tests.support import compact_text
from viewer import basemapdata, webassets
from viewer.basemapdata import Box, boxes_around, cells_of, detail_json, encode_shapes, towns, towns_json, water_json

VLADIVOSTOK = (43.1155, 131.8855, "city")


def test_boxes_skip_country_points_unless_there_is_nothing_else():
    boxes = boxes_around([VLADIVOSTOK, (61.5, 105.3, "country")])
    assert len(boxes) == 1 and boxes[0].holds(43.1, 131.9) and not boxes[0].holds(61.5, 105.3)
    assert boxes_around([(61.5, 105.3, "country")])[0].holds(61.5, 105.3)
    assert boxes_around([]) == ()


def test_boxes_are_the_busiest_cells_however_many_places():
    spread = [(lat, lon, "city") for lat in range(-60, 70, 2) for lon in range(-170, 170, 3)]
    boxes = boxes_around([*spread, *[VLADIVOSTOK] * 5])
    assert len(boxes) <= basemapdata.EXPORT_DETAIL_CELLS + 2
    assert any(b.holds(43.1, 131.9) for b in boxes)  # the busiest cell is always kept


def test_a_box_across_180_degrees_is_split_in_two():
    boxes = boxes_around([(-17.7, 178.0, "city")])  # Fiji
    assert len(boxes) == 2
    assert any(b.holds(-17.7, 178.0) for b in boxes) and any(b.holds(-17.7, -178.0) for b in boxes)


def test_towns_are_big_ones_biggest_first():
    found = towns()
    assert len(found) > 10000
    assert all(t.population >= basemapdata.TOWN_MIN_POPULATION for t in found)
    assert [t.population for t in found[:50]] == sorted((t.population for t in found[:50]), reverse=True)
    assert "Vladivostok" in {t.name for t in found}


def test_towns_json_keeps_only_the_boxes_and_the_limit():
    boxes = boxes_around([VLADIVOSTOK])
    rows = json.loads(towns_json(boxes, limit=100))
    assert 3 <= len(rows) <= 100 and "Vladivostok" in [r[0] for r in rows]
    assert all(boxes[0].holds(lat, lon) for _name, lat, lon, _pop in rows)
    assert len(json.loads(towns_json())) == len(towns())


def test_cells_of_the_boxes_are_the_whole_cells_they_cover():
    cells = cells_of(boxes_around([VLADIVOSTOK]))
    assert cells == tuple((row, col) for row in (21, 22, 23) for col in (33, 34, 35))  # 36-54 N, 117-144 E
    assert cells_of(()) == ()


def test_compact_text_round_trips_any_integers():
    shape = [[(0, 0), (99_999, -5), (-123_456, 7), (3, 3)], [(58, 59), (60, -60)]]
    text = encode_shapes([shape, [[(1, 2)]]])
    assert compact_text.shapes(text) == [shape, [[(1, 2)]]]
    assert set(text) <= set(basemapdata.DIGITS) and not set(text) & set('"\\<>&')


def test_the_exports_world_is_the_50m_topology_in_compact_text():
    whole = json.loads(webassets.read_text(basemapdata.WORLD_TOPOJSON))
    compact = json.loads(basemapdata.derived().world)
    assert compact_text.arcs(compact["arcs"]) == whole["arcs"]
    assert compact["objects"] == {"countries": whole["objects"]["countries"]} and compact["transform"] == whole["transform"]
    assert len(basemapdata.derived().world) < webassets.asset_path(basemapdata.WORLD_TOPOJSON).stat().st_size / 2


def _lon_lat(block: dict, layer: str) -> list[list[list[tuple[float, float]]]]:
    (sx, sy), (tx, ty) = block["transform"]["scale"], block["transform"]["translate"]
    return [[[(x * sx + tx, y * sy + ty) for x, y in path] for path in paths] for paths in compact_text.shapes(block[layer])]


def test_detail_is_the_10m_polygons_that_reach_into_the_cells():
    cells = cells_of(boxes_around([VLADIVOSTOK]))
    block = json.loads(detail_json(cells))
    assert block["format"] == "gazette-cells" and block["cells"] == [list(c) for c in cells]
    polygons = _lon_lat(block, "land")
    assert len(polygons) > 50  # Japan's, Korea's and Russia's islands and coasts there

    def meets(paths):
        lons = [lon % 360 for path in paths for lon, _ in path]
        lats = [lat for path in paths for _, lat in path]
        return min(lats) <= 54 and max(lats) >= 36 and min(lons) <= 144 + 1e-6 and max(lons) >= 117 - 1e-6

    assert all(meets(paths) for paths in polygons)
    near = [(lon, lat) for paths in polygons for path in paths for lon, lat in path if abs(lat - 43.1) < 0.3 and abs(lon - 131.9) < 0.3]
    assert len(near) > 50  # the coast of Peter the Great Gulf at 10 m, not 50 m
    assert len(detail_json(cells)) < webassets.asset_path(basemapdata.DETAIL_TOPOJSON).stat().st_size / 10


def test_no_cells_no_detail():
    assert detail_json(()) == "" and water_json(()) == ""
    assert Box(0, 0, 1, 1).meets(0.5, 0.5, 2, 2) and not Box(0, 0, 1, 1).meets(2, 2, 3, 3)


def test_fiji_across_180_degrees_has_its_islands_on_both_sides():
    block = json.loads(detail_json(cells_of(boxes_around([(-17.7, -179.5, "city")]))))  # the Lau group
    points = [(lon, lat) for paths in _lon_lat(block, "land") for path in paths for lon, lat in path if -20 < lat < -15]
    assert any(-180 <= lon < -178 for lon, _ in points) and any(178 < lon <= 180 for lon, _ in points)


def test_water_has_the_rivers_and_lakes_there():
    cells = cells_of(boxes_around([VLADIVOSTOK]))
    block = json.loads(water_json(cells))
    assert _lon_lat(block, "rivers") and _lon_lat(block, "lakes")  # the Ussuri, Lake Khanka
    assert block["subunits"] == ""  # divisions only for the USA, Canada, Brazil, Australia
    whole = json.loads(webassets.read_text(basemapdata.WATER_TOPOJSON))
    assert len(_lon_lat(block, "rivers")) < len(whole["objects"]["rivers"]["geometries"]) / 4


def test_the_derived_data_is_built_once_into_the_cache_and_read_back(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path))
    basemapdata.derived.cache_clear()
    try:
        built = basemapdata.derived()
        (path,) = tmp_path.glob("basemap-cells-*.bin")
        basemapdata.derived.cache_clear()
        assert basemapdata.derived() == built  # read from the file, not built again
        path.write_bytes(b"not ours")
        basemapdata.derived.cache_clear()
        assert basemapdata.derived() == built and path.read_bytes() != b"not ours"  # damaged: rebuilt
    finally:
        basemapdata.derived.cache_clear()
