"""viewer.formats: the one list of export formats (the CLI, the window and export use it)."""

from __future__ import annotations

from viewer import export, formats


def test_suffixes_name_their_format():
    assert formats.format_for_suffix(".HTML") == "html"
    assert formats.format_for_suffix(".json") == "geojson"
    assert formats.format_for_suffix(".png") == "png"
    assert formats.format_for_suffix(".pdf") is None


def test_one_list_of_formats():
    assert export.FORMATS is formats.FORMATS == ("html", "geojson", "kml", "csv", "png")
    html = formats.EXPORT_FORMATS[0]
    assert html.label == "HTML…" and html.file_filter == "Web page (*.html *.htm)"
