"""Gazette's folium/branca elements: each owns its template and composes into the map.

Templates only pass data to functions defined in ``assets/js/map.js``; they hold no logic.
The map's data is one JSON block (:class:`MapData`), serialised once with :func:`script_json`.

branca's ``MacroElement.render`` feeds each macro's *output* back through Jinja as a new
template, so text containing ``{{`` or ``{%`` (article text can) would be evaluated. Our
elements therefore add their rendered output to the page verbatim (:class:`RawHTML`).
"""

from __future__ import annotations

__all__ = ["GazetteMap", "HtmlDocument", "MapData", "RawHTML", "WorldData", "script_json"]

import html
from typing import TYPE_CHECKING, Any, Literal

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from viewer import webassets
from viewer.pageshell import DATA_ELEMENT_ID, DATA_SLOT, SCRIPT_ESCAPES, WORLD_ELEMENT_ID, script_json

if TYPE_CHECKING:
    from viewer.basemaps import TileSpec

Mode = Literal["app", "standalone"]
_SCRIPT_ESCAPES = SCRIPT_ESCAPES


class RawHTML(Element):
    """Markup added to a page as is (never re-read as a template)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.markup = markup

    def render(self, **kwargs: Any) -> str:
        return self.markup


class _Verbatim:
    """Mixin: render macros into the figure as RawHTML instead of as new templates."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()  # type: ignore[attr-defined]
        if not isinstance(figure, Figure):
            raise TypeError("A Gazette element can only be rendered inside a page.")
        module = self._template.module  # type: ignore[attr-defined]
        for section in ("header", "html", "script"):
            macro = getattr(module, section, None)
            if macro is not None:
                getattr(figure, section).add_child(RawHTML(str(macro(self, kwargs))), name=self.get_name())  # type: ignore[attr-defined]
        for child in self._children.values():  # type: ignore[attr-defined]
            child.render(**kwargs)


class HtmlDocument(Figure):
    """The whole HTML document: charset, optional Content-Security-Policy, title."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "{% if this.csp %}"
        '<meta http-equiv="Content-Security-Policy" content="{{ this.csp|e }}">\n'
        "{% endif %}"
        "<title>{{ this.page_title|e }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        "{{ this.html.render(**kwargs) }}\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</body>\n"
        "</html>\n"
    )

    def __init__(self, *, title: str, csp: str | None = None) -> None:
        super().__init__()
        self._name = "HtmlDocument"
        self.header._children.pop("meta_http", None)  # we write <meta charset> ourselves
        self.page_title = title
        self.csp = csp


class GazetteMap(_Verbatim, folium.Map):
    """A Leaflet map whose scripts and styles are our local assets, never folium's CDN list."""

    # (name, URL relative to the page at gazette://app/); standalone export inlines them.
    default_js = [(f"js:{rel}", webassets.asset_url(rel)) for rel in webassets.PAGE_JS]
    default_css = [(f"css:{rel}", webassets.asset_url(rel)) for rel in webassets.PAGE_CSS]

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <meta name="viewport" content="width=device-width, initial-scale=1.0">
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="gz-map" id="{{ this.get_name() }}"></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {{ this.leaflet_options_js }});
        L.control.scale({ position: "bottomleft" }).addTo({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, title: str, tiles: TileSpec | None = None) -> None:
        super().__init__(location=None, tiles=None, zoom_start=2)
        self._name = "GazetteMap"
        self.title = title
        self.tiles = tiles  # None: the offline basemap
        self.leaflet_options = {
            "center": [25, 10],
            "zoom": 2,
            "minZoom": 1,
            "maxZoom": 18,
            "zoomSnap": 0.25,
            "worldCopyJump": False,
            "preferCanvas": False,  # SVG paths, so country shapes carry data-place-id
        }

    @property
    def leaflet_options_js(self) -> str:
        return script_json(self.leaflet_options)

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        mode: Mode = kwargs.get("mode", "app")
        links: list[tuple[str, Element]] = []
        for name, url in self.default_css:
            links.append((name, RawHTML(_css_tag(url, inline=mode == "standalone"))))
        for name, url in self.default_js:
            links.append((name, RawHTML(_js_tag(url, inline=mode == "standalone"))))
        for name, element in links:
            figure.header.add_child(element, name=name)
        super().render(**kwargs)


def _rel(url: str) -> str:
    return url.removeprefix("assets/")


def _js_tag(url: str, *, inline: bool) -> str:
    if inline:
        return f"<script>{webassets.script_text(_rel(url))}</script>"
    return f'<script src="{html.escape(url)}"></script>'


def _css_tag(url: str, *, inline: bool) -> str:
    if inline:
        return f"<style>{webassets.style_text(_rel(url))}</style>"
    return f'<link rel="stylesheet" href="{html.escape(url)}">'


class WorldData(_Verbatim, MacroElement):
    """Natural Earth countries (TopoJSON) as an inert JSON block; map.js decodes it once.

    Beside it, the zoomed-in detail ``assets/js/basemap.js`` loads only past its zoom
    thresholds: world-atlas's 10 m countries, rivers and lakes, and the larger towns. In the window the blocks
    are empty and name the ``gazette://`` URL to fetch; a standalone page carries the part of
    them in the cells around its places (:mod:`viewer.basemapdata`), inline, and stays self-contained;
    its 50 m world and its shapes are in basemapdata's compact text form (a third of the JSON).
    """

    element_id = WORLD_ELEMENT_ID
    detail_id = "gz-world-detail"
    water_id = "gz-water"
    towns_id = "gz-towns"
    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.element_id }}">{{ this.world_text(kwargs.get("mode", "app")) }}</script>
        {{ this.detail_blocks(kwargs.get("mode", "app")) }}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "WorldData"

    @property
    def topojson_text(self) -> str:
        # "<" can only occur inside JSON strings, where \u003c means the same.
        return webassets.read_text(webassets.BASEMAP_TOPOJSON).replace("<", "\\u003c")

    def world_text(self, mode: Mode) -> str:
        if mode != "standalone":
            return self.topojson_text
        from viewer import basemapdata

        return basemapdata.derived().world

    def detail_blocks(self, mode: Mode) -> str:
        if mode != "standalone":  # the window's page names them (without basemapdata's import)
            return (
                f'<script type="application/json" id="{self.detail_id}" data-src="{webassets.asset_url(webassets.DETAIL_TOPOJSON)}"></script>\n'
                f'<script type="application/json" id="{self.water_id}" data-src="{webassets.asset_url(webassets.WATER_TOPOJSON)}"></script>\n'
                f'<script type="application/json" id="{self.towns_id}" data-src="{webassets.TOWNS_PATH}"></script>'
            )
        from viewer import basemapdata

        boxes = basemapdata.boxes_around(self._points())
        cells = basemapdata.cells_of(boxes)
        detail, water = basemapdata.detail_json(cells), basemapdata.water_json(cells)
        towns = basemapdata.towns_json(boxes, limit=basemapdata.EXPORT_TOWN_LIMIT) if boxes else "[]"
        return (
            f'<script type="application/json" id="{self.detail_id}">{_script_safe(detail)}</script>\n'
            f'<script type="application/json" id="{self.water_id}">{_script_safe(water)}</script>\n'
            f'<script type="application/json" id="{self.towns_id}">{_script_safe(towns)}</script>'
        )

    def _points(self) -> list[tuple[float, float, str]]:
        """(lat, lon, kind) of the places on this page (from its MapData sibling)."""
        siblings = self._parent._children.values() if self._parent is not None else ()  # type: ignore[attr-defined]
        return [
            (float(p["lat"]), float(p["lon"]), str(p.get("kind", "")))
            for child in siblings if isinstance(child, MapData)
            for p in child.data.get("places", ())
            if isinstance(p.get("lat"), int | float) and isinstance(p.get("lon"), int | float)
        ]  # fmt: skip


def _script_safe(json_text: str) -> str:
    for char, escape in _SCRIPT_ESCAPES.items():
        json_text = json_text.replace(char, escape)
    return json_text


class MapData(_Verbatim, MacroElement):
    """The map's data (basemap, places, connections, info box) as one inert JSON block, and
    the one call that has map.js draw it all (legend last, then ``gazette:ready``)."""

    element_id = DATA_ELEMENT_ID
    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.element_id }}">{{ this.data_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        gazette.build({{ this._parent.get_name() }}, {{ this.element_id|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "MapData"
        self.data = data
        self.slot = False  # True: render DATA_SLOT for the data (a page shell, see viewer.pageshell)

    @property
    def data_json(self) -> str:
        return DATA_SLOT if self.slot else script_json(self.data)
