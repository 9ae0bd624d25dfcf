"""Exports of a map: self-contained HTML, GeoJSON, KML, CSV and PNG.

Every file is written through :mod:`places.storage` (atomic: whole or not at all).
"""

from __future__ import annotations

__all__ = ["CSV_COLUMNS", "FORMATS", "ExportError", "export_map", "standalone_html", "to_csv", "to_geojson", "to_kml"]

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from places.lessons import Lesson
from places.model import ASSOCIATIVE, TOPONYM, GeoparsedArticle, PlaceMentions, group_by_place
from places.storage import atomic_write_bytes, atomic_write_text
from viewer.errors import ExportError
from viewer.formats import FORMATS
from viewer.mapbuilder import default_title, map_page, source_name
from viewer.targets import check_target

DEFAULT_PNG_SIZE = (1280, 800)
KML_NS = "http://www.opengis.net/kml/2.2"
CSV_COLUMNS = (
    "article_id", "place_id", "place", "kind", "country", "lat", "lon", "start", "end", "mention", "excerpt", "role",
)

# Characters XML 1.0 cannot carry at all (control characters other than tab/newline/CR).
_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_map(
    docs: Sequence[GeoparsedArticle],
    path: Path,
    *,
    fmt: str,
    basemap: str = "offline",
    connections: bool = False,
    size: tuple[int, int] | None = None,
    lesson: Lesson | None = None,
) -> None:
    """Write the map of ``docs`` to ``path`` as ``fmt`` (one of :data:`FORMATS`); HTML carries the ``lesson``'s tour."""
    fmt = fmt.lower().lstrip(".")
    path = Path(path)
    check_target(path, fmt=fmt, inputs=[d.article.source for d in docs])
    if fmt == "html":
        atomic_write_text(path, standalone_html(docs, basemap=basemap, connections=connections, lesson=lesson))
    elif fmt == "geojson":
        atomic_write_text(path, json.dumps(to_geojson(docs), ensure_ascii=False, indent=1) + "\n")
    elif fmt == "kml":
        atomic_write_bytes(path, to_kml(docs))
    elif fmt == "csv":
        atomic_write_text(path, to_csv(docs))
    elif fmt == "png":
        try:
            from viewer.snapshot import render_png
        except ImportError as err:
            raise ExportError(f"PNG export needs Qt WebEngine, which could not be loaded here ({err}).") from err
        html = standalone_html(docs, basemap=basemap, connections=connections)
        render_png(html, path, size=size or DEFAULT_PNG_SIZE)
    else:
        raise ExportError(f"Cannot export to {fmt!r}; choose one of: {', '.join(FORMATS)}.")


def standalone_html(
    docs: Sequence[GeoparsedArticle], *, basemap: str = "offline", connections: bool = False, lesson: Lesson | None = None
) -> str:
    """One self-contained HTML file: works from file:// with the network off (a lesson travels inside it)."""
    return map_page(docs, basemap=basemap, connections=connections, mode="standalone", lesson=lesson)


def _role(group: PlaceMentions) -> str:
    """A place's role: "toponym" when the text names it, "associative" when only demonyms involve it."""
    return TOPONYM if group.named else ASSOCIATIVE


def _distinct_excerpts(group: PlaceMentions, *, associative: bool = False) -> list[str]:
    seen: dict[tuple[str, int, str], None] = {}
    for m in group.associative if associative else group.mentions:
        seen.setdefault((m.article_id, m.excerpt_start, m.excerpt), None)
    return [excerpt for _, _, excerpt in seen]


def to_geojson(docs: Sequence[GeoparsedArticle]) -> dict[str, Any]:
    """RFC 7946 FeatureCollection: one Point feature per place, [lon, lat]."""
    features = []
    for group in group_by_place(docs):
        place = group.place
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "id": place.id,
                    "name": place.name,
                    "kind": place.kind.value,
                    "country": place.country,
                    "country_name": place.country_name,
                    "source": place.source,
                    "mentions": group.count,
                    "articles": sorted({m.article_id for m in group.mentions}),
                    "excerpts": _distinct_excerpts(group),
                    "role": _role(group),
                    "associative_mentions": len(group.associative),
                    "associative": [{"text": n.text, "count": n.count} for n in group.associative_names],
                    "associative_excerpts": _distinct_excerpts(group, associative=True),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def to_kml(docs: Sequence[GeoparsedArticle]) -> bytes:
    """KML 2.2: a Placemark per place, its excerpts as (escaped) plain-text description."""
    ET.register_namespace("", KML_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", attrs)
        if text is not None:
            node.text = _xml_text(text)
        return node

    root = ET.Element(f"{{{KML_NS}}}kml")
    document = sub(root, "Document")
    sub(document, "name", default_title(docs))
    sources = [source_name(d.article) for d in docs]
    sub(document, "description", "Places named in: " + "; ".join(sources) + ". Coordinates: GeoNames and curated sources.")
    for group in group_by_place(docs):
        place = group.place
        mark = sub(document, "Placemark", id=re.sub(r"[^A-Za-z0-9_.-]", "_", place.id))
        sub(mark, "name", place.name)
        involved = [n.label for n in group.associative_names]
        sub(mark, "description", "\n\n".join([*_distinct_excerpts(group), *involved, *_distinct_excerpts(group, associative=True)]))
        data = sub(mark, "ExtendedData")
        for key, value in (
            ("place_id", place.id),
            ("kind", place.kind.value),
            ("country", place.country),
            ("mentions", str(group.count)),
            ("role", _role(group)),
            ("associative_mentions", str(len(group.associative))),
            ("source", place.source),
        ):
            sub(sub(data, "Data", name=key), "value", value)
        point = sub(mark, "Point")
        sub(point, "coordinates", f"{place.lon!r},{place.lat!r},0")
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(docs: Sequence[GeoparsedArticle]) -> str:
    """One row per mention. Text cells that a spreadsheet would run as a formula get a leading '."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for doc in docs:
        for m in doc.mentions:
            p = m.place
            writer.writerow(
                [
                    _cell(m.article_id), p.id, _cell(p.name), p.kind.value, p.country, repr(p.lat), repr(p.lon),
                    m.start, m.end, _cell(m.text), _cell(m.excerpt), m.role,
                ]
            )
    return out.getvalue()
