"""A map page as its shell and its data: what folium renders, and the two slots our data fills.

:func:`viewer.mapbuilder.render_page` renders every page with a title slot and a data slot and
fills them (:meth:`PageShell.fill`), so a page is exactly its shell filled with its title and
:func:`script_json` of its data. The window's shell depends only on the basemap: at start-up the
page process renders it (folium's import is its whole cost) while the parse process, which never
imports folium, geoparses and computes the data; the job fills one with the other
(:mod:`viewer.parseprocess`). No folium, no Qt here.
"""

from __future__ import annotations

__all__ = ["DATA_ELEMENT_ID", "DATA_SLOT", "TITLE_SLOT", "WORLD_ELEMENT_ID", "SCRIPT_ESCAPES", "PageData", "PageShell", "script_json"]

import html
import json
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

WORLD_ELEMENT_ID = "gz-world"  # the TopoJSON block (viewer.elements.WorldData)
DATA_ELEMENT_ID = "gz-data"  # the page data block (viewer.elements.MapData)
# Rendered where the title and the data go; no rendered shell has them otherwise (checked).
TITLE_SLOT = "gz-slot-title-4f1c9a"
DATA_SLOT = "gz-slot-data-4f1c9a"

SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON for a value, safe to place inside an inline ``<script>`` (and valid JS)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in SCRIPT_ESCAPES.items():
        text = text.replace(char, code)
    return text


@dataclass(frozen=True, slots=True)
class PageData:
    """What fills a shell: the page's title and its data as :func:`script_json`."""

    title: str
    data_json: str


@dataclass(frozen=True, slots=True)
class PageShell:
    """A rendered page cut at its two slots: ``head`` TITLE ``middle`` DATA ``tail``."""

    head: str
    middle: str
    tail: str

    @classmethod
    def from_rendered(cls, page: str) -> PageShell:
        """The shell of a page rendered with :data:`TITLE_SLOT` as its title and :data:`DATA_SLOT` as its data."""
        if page.count(TITLE_SLOT) != 1 or page.count(DATA_SLOT) != 1:
            raise ValueError("a page shell has one title slot and one data slot")
        head, rest = page.split(TITLE_SLOT)
        middle, tail = rest.split(DATA_SLOT)
        if DATA_SLOT in head:
            raise ValueError("the title slot comes before the data slot")
        return cls(head, middle, tail)

    def fill(self, *, title: str, data_json: str) -> str:
        """The page: ``title`` (escaped as the template escapes it) and ``data_json`` (:func:`script_json`)."""
        return f"{self.head}{escape(title)}{self.middle}{data_json}{self.tail}"

    def page(self, data: PageData) -> str:
        return self.fill(title=data.title, data_json=data.data_json)

    def waiting_page(self, title: str) -> str:
        """The shell before its data is known: map.js decodes the world and waits for ``gazette.provide``
        (:class:`viewer.mapview.MapView` loads it while the first article is read)."""
        return self.fill(title=title, data_json=script_json({"waiting": True, "world": WORLD_ELEMENT_ID}))

    def data_of(self, page: str) -> PageData | None:
        """What fills this shell to make ``page`` (None when ``page`` is not this shell filled)."""
        if not (page.startswith(self.head) and page.endswith(self.tail)):
            return None
        at = page.find(self.middle, len(self.head))
        if at < 0:
            return None
        data = PageData(title=html.unescape(page[len(self.head) : at]), data_json=page[at + len(self.middle) : len(page) - len(self.tail)])
        return data if self.page(data) == page else None
