"""Basemaps: their names, labels, tile specs and the origins they contact (no folium, no Qt).

The offline basemap draws Natural Earth countries in the page; online ones are xyzservices
providers; a Leaflet URL template (``http(s)://…{z}…``) is accepted as a custom source.
"""

from __future__ import annotations

__all__ = [
    "BASEMAPS",
    "BASEMAP_LABELS",
    "MapOptions",
    "OFFLINE",
    "TILE_PROVIDERS",
    "TileSpec",
    "tile_origins",
    "tile_spec",
]

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from viewer.errors import BasemapError

OFFLINE = "offline"
# Online basemaps by the names users type; values are xyzservices provider names.
TILE_PROVIDERS: dict[str, str] = {
    "osm": "OpenStreetMap.Mapnik",
    "positron": "CartoDB.Positron",
    "imagery": "Esri.WorldImagery",
}
BASEMAPS: tuple[str, ...] = (OFFLINE, *TILE_PROVIDERS)
BASEMAP_LABELS: dict[str, str] = {
    OFFLINE: "Offline",
    "osm": "OpenStreetMap",
    "positron": "CARTO Positron",
    "imagery": "Esri imagery",
}
LEAFLET_PLACEHOLDERS = frozenset({"s", "z", "x", "y", "r"})
_CSP_ORIGIN = re.compile(r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


@dataclass(frozen=True, slots=True)
class MapOptions:
    """How a map is drawn, apart from its articles."""

    basemap: str = OFFLINE
    connections: bool = False


@dataclass(frozen=True, slots=True)
class TileSpec:
    """An online tile source: Leaflet URL template, attribution and the hosts it contacts."""

    name: str
    url: str
    attribution: str  # HTML, from xyzservices
    subdomains: str = ""
    max_zoom: int = 19

    @property
    def origins(self) -> tuple[str, ...]:
        """Scheme://host of every server the template can reach (for a CSP)."""
        parts = urlsplit(self.url)
        subdomains = self.subdomains or "abc"  # Leaflet's default, as in as_js
        hosts = [parts.netloc.replace("{s}", sub) for sub in subdomains] if "{s}" in parts.netloc else [parts.netloc]
        return tuple(f"{parts.scheme}://{host}" for host in hosts)

    @property
    def csp_sources(self) -> tuple[str, ...]:
        """The origins fit for a CSP; anything that could smuggle in a directive is left out."""
        return tuple(o for o in self.origins if _CSP_ORIGIN.fullmatch(o))

    def as_js(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "attribution": self.attribution,
            "subdomains": self.subdomains or "abc",
            "maxZoom": self.max_zoom,
        }


def tile_spec(basemap: str) -> TileSpec | None:
    """The tile source for a basemap name; None for the offline basemap.

    Besides the names in :data:`BASEMAPS`, a Leaflet URL template (``http(s)://…{z}…``)
    is accepted as a custom source (tests point it at a local server).
    """
    if basemap == OFFLINE:
        return None
    if basemap in TILE_PROVIDERS:
        import xyzservices.providers as providers

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # CartoDB's "API key" notice
            provider = providers.query_name(TILE_PROVIDERS[basemap])
        subdomains = provider.get("subdomains", "")
        return TileSpec(
            name=basemap,
            url=_leaflet_template(provider),
            attribution=provider.html_attribution,
            subdomains=subdomains if isinstance(subdomains, str) else "".join(subdomains),
            max_zoom=int(provider.get("max_zoom", 19)),
        )
    if basemap.startswith(("http://", "https://")) and "{z}" in basemap:
        return TileSpec(name="custom", url=basemap, attribution="Custom tiles")
    raise BasemapError(f"Unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}.")


def tile_origins(basemap: str) -> frozenset[str]:
    """``scheme://host[:port]`` of every tile server a basemap contacts; empty when offline."""
    spec = tile_spec(basemap)
    return frozenset() if spec is None else frozenset(o.lower() for o in spec.origins)


def _leaflet_template(provider: Mapping[str, Any]) -> str:
    """The provider's URL with its own placeholders filled, leaving only Leaflet's.

    Leaflet throws on a placeholder it has no value for, and that stopped the whole page:
    xyzservices gives CartoDB ``?key={apikey}`` with a dummy key, which the tiles don't need.
    """
    parts = urlsplit(provider["url"])
    query = "&".join(
        pair for pair in parts.query.split("&")
        if pair and not ("{apikey}" in pair and str(provider.get("apikey", "<")).startswith("<"))
    )  # fmt: skip
    url = parts._replace(query=query).geturl()
    for name in set(re.findall(r"\{([A-Za-z_]+)\}", url)) - LEAFLET_PLACEHOLDERS:
        value = provider.get(name)
        if not isinstance(value, (str, int, float)) or str(value).startswith("<"):
            raise BasemapError(f"The {provider.get('name', 'tile')} basemap needs a {name!r} setting.")
        url = url.replace("{" + name + "}", str(value))
    return url
