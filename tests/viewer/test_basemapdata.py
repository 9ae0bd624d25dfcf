"""viewer.basemapdata: the zoomed-in basemap's 10 m shapes and towns, for the window and for exports."""

from __future__ import annotations

import json

from viewer import basemapdata, webassets
from viewer.basemapdata import Box, boxes_around, detail_topojson, towns, towns_json

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


def test_detail_subset_is_a_topology_of_the_countries_there_only():
    text = detail_topojson(boxes_around([VLADIVOSTOK]))
    topo = json.loads(text)
    names = {g["properties"]["name"] for g in topo["objects"]["countries"]["geometries"]}
    assert {"Russia", "China", "North Korea"} <= names and "Brazil" not in names and "France" not in names
    arcs = len(topo["arcs"])
    used = set()

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                used.add(item if item >= 0 else ~item)

    for g in topo["objects"]["countries"]["geometries"]:
        walk(g["arcs"])
    assert used == set(range(arcs))  # every arc kept is used, and every one used is there
    whole = webassets.asset_path(basemapdata.DETAIL_TOPOJSON).stat().st_size
    assert len(text) < whole / 2


def test_no_boxes_no_detail():
    assert detail_topojson(()) == ""
    assert Box(0, 0, 1, 1).meets(0.5, 0.5, 2, 2) and not Box(0, 0, 1, 1).meets(2, 2, 3, 3)


def test_water_subset_has_the_rivers_and_lakes_there():
    topo = json.loads(basemapdata.water_topojson(boxes_around([VLADIVOSTOK])))
    assert set(topo["objects"]) == set(basemapdata.WATER_OBJECTS)
    assert topo["objects"]["rivers"]["geometries"] and topo["objects"]["lakes"]["geometries"]  # the Ussuri, Lake Khanka
    assert topo["objects"]["subunits"]["geometries"] == []  # divisions only for the USA, Canada, Brazil, Australia
    whole = json.loads(webassets.read_text(basemapdata.WATER_TOPOJSON))
    assert len(topo["objects"]["rivers"]["geometries"]) < len(whole["objects"]["rivers"]["geometries"]) / 4
