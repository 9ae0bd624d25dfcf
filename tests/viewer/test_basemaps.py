"""Basemap names, tile specs and the origins they contact (no folium, no Qt)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from viewer import basemaps
from viewer.errors import BasemapError


def test_basemaps_by_name_and_custom_template() -> None:
    osm = basemaps.tile_spec("osm")
    assert osm is not None and osm.origins == ("https://tile.openstreetmap.org",)
    assert "OpenStreetMap" in osm.attribution
    carto = basemaps.tile_spec("positron")
    assert carto is not None and len(carto.origins) == 4 and "CARTO" in carto.attribution
    assert basemaps.tile_spec("offline") is None
    custom = basemaps.tile_spec("http://127.0.0.1:9/{z}/{x}/{y}.png")
    assert custom is not None and custom.origins == ("http://127.0.0.1:9",)
    with pytest.raises(BasemapError, match="osm"):
        basemaps.tile_spec("google")


@pytest.mark.parametrize("basemap", sorted(basemaps.TILE_PROVIDERS))
def test_named_basemaps_leave_only_leaflet_placeholders(basemap: str) -> None:
    # Leaflet throws on any other {name} and the page then never finished (CartoDB's ?key={apikey}).
    spec = basemaps.tile_spec(basemap)
    assert spec is not None
    assert set(re.findall(r"\{([^}]*)\}", spec.url)) <= {"s", "z", "x", "y", "r"}, spec.url
    assert {"z", "x", "y"} <= set(re.findall(r"\{([^}]*)\}", spec.url))
    assert "apikey" not in spec.url and "<" not in spec.url


def test_tile_origins():
    assert basemaps.tile_origins("offline") == frozenset()
    assert basemaps.tile_origins("osm") == {"https://tile.openstreetmap.org"}
    assert basemaps.tile_origins("positron") == {f"https://{s}.basemaps.cartocdn.com" for s in "abcd"}
    assert basemaps.tile_origins("http://127.0.0.1:9/{z}/{x}/{y}.png") == {"http://127.0.0.1:9"}


def test_every_named_basemap_has_a_label() -> None:
    assert tuple(basemaps.BASEMAP_LABELS) == basemaps.BASEMAPS


def test_csp_sources_leave_out_what_could_smuggle_a_directive() -> None:
    spec = basemaps.TileSpec(name="custom", url="https://a.example; script-src *{z}", attribution="")
    assert spec.csp_sources == ()


def test_basemaps_import_neither_folium_nor_qt() -> None:
    code = "import sys, viewer.basemaps; viewer.basemaps.tile_origins('osm'); print(sorted(m for m in sys.modules if m.split('.')[0] in {'folium', 'branca', 'PySide6'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
