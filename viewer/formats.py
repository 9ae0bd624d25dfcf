"""The export formats: names, file suffixes and the labels File › Export shows (no Qt, no folium)."""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS", "FORMATS", "ExportFormat", "format_for_suffix"]

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    label: str  # the File › Export menu entry
    description: str  # the file dialog's filter name
    suffixes: tuple[str, ...]  # the first is the default

    @property
    def file_filter(self) -> str:
        return f"{self.description} ({' '.join('*' + s for s in self.suffixes)})"


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("html", "HTML…", "Web page", (".html", ".htm")),
    ExportFormat("geojson", "GeoJSON…", "GeoJSON", (".geojson", ".json")),
    ExportFormat("kml", "KML…", "KML", (".kml",)),
    ExportFormat("csv", "CSV…", "CSV", (".csv",)),
    ExportFormat("png", "Image…", "PNG image", (".png",)),
)
FORMATS: tuple[str, ...] = tuple(f.name for f in EXPORT_FORMATS)


def format_for_suffix(suffix: str) -> str | None:
    """The format a file suffix (".html") stands for, or None."""
    suffix = suffix.lower()
    return next((f.name for f in EXPORT_FORMATS if suffix in f.suffixes), None)
