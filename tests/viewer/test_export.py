"""Exports read back with parsers that are not ours: json, xml.etree, csv."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.conftest import shared_path
from tests.support.mentions import mentions_by_name
from tests.support.seed import seed_docs

from places.errors import GazetteError, SaveError
from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from viewer.export import CSV_COLUMNS, ExportError, export_map

KML = "{http://www.opengis.net/kml/2.2}"

HOSTILE = "<script>x()</script> ]]> & \"q\" \x0b `${a}` \u202e =HYPERLINK(\"javascript:1\")"

ODESA = Place("geonames:698740", "Odesa", 46.48, 30.73, Kind.CITY, "UA", "Ukraine", 1_000_000, "GeoNames")
BOSPORUS = Place("curated:bosporus", "Bosporus", 41.12, 29.07, Kind.WATER, "TR", "Turkey", 0, "Natural Earth")
TURKEY = Place("country:TR", "Turkey", 39.0, 35.0, Kind.COUNTRY, "TR", "Turkey", 0, "GeoNames")
EVIL = Place("curated:evil", "=cmd|' /C calc'!A0 <b>", -33.5, -70.25, Kind.LANDFORM, "", "", 0, HOSTILE)


def _doc(article_id: str, text: str, places: tuple[Place, ...]) -> GeoparsedArticle:
    article = Article(article_id, f"Article {article_id}", text, source=f"{article_id}.txt")
    return GeoparsedArticle(article, mentions_by_name(article_id, text, places))


def _docs() -> list[GeoparsedArticle]:
    # Our own words.
    one = _doc(
        "a",
        "Ships left Odesa at dawn. They reached the Bosporus by night, and Turkey checked them. "
        f"A note said {HOSTILE} near Odesa. Then =cmd|' /C calc'!A0 <b> was seen.",
        (ODESA, BOSPORUS, TURKEY, EVIL),
    )
    two = _doc("b", "Turkey reopened the Bosporus. Odesa cheered.", (ODESA, BOSPORUS, TURKEY))
    return [one, two]


def _all_mentions(docs: list[GeoparsedArticle]) -> list[Mention]:
    return [m for d in docs for m in d.mentions]


def check_geojson(data: object) -> None:
    """Structural RFC 7946 check of what Gazette writes."""
    assert isinstance(data, dict) and data["type"] == "FeatureCollection"
    assert isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert isinstance(lon, float | int) and isinstance(lat, float | int)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert isinstance(props["name"], str) and props["name"]
        assert isinstance(props["kind"], str) and isinstance(props["country"], str)
        assert isinstance(props["mentions"], int) and props["mentions"] >= 1
        assert isinstance(props["excerpts"], list) and all(isinstance(e, str) for e in props["excerpts"])
        assert 1 <= len(props["excerpts"]) <= props["mentions"]


def _check_geojson_against(docs: list[GeoparsedArticle], path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    check_geojson(data)
    by_id = {f["id"]: f for f in data["features"]}
    mentions = _all_mentions(docs)
    assert set(by_id) == {m.place.id for m in mentions}
    for m in mentions:
        feature = by_id[m.place.id]
        assert feature["geometry"]["coordinates"] == [m.place.lon, m.place.lat]
        assert m.excerpt in feature["properties"]["excerpts"]
    for pid, feature in by_id.items():
        assert feature["properties"]["mentions"] == sum(1 for m in mentions if m.place.id == pid)


def _check_kml_against(docs: list[GeoparsedArticle], path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml"
    marks = root.findall(f"./{KML}Document/{KML}Placemark")
    mentions = _all_mentions(docs)
    by_id = {}
    for mark in marks:
        data = {d.get("name"): d.findtext(f"{KML}value") for d in mark.iter(f"{KML}Data")}
        by_id[data["place_id"]] = mark
    assert set(by_id) == {m.place.id for m in mentions}
    for m in mentions:
        mark = by_id[m.place.id]
        assert mark.findtext(f"{KML}name") == m.place.name.replace("\x0b", "\ufffd")
        assert m.excerpt.replace("\x0b", "\ufffd") in mark.findtext(f"{KML}description")
        lon, lat, _ = mark.findtext(f"{KML}Point/{KML}coordinates").split(",")
        assert (float(lon), float(lat)) == (m.place.lon, m.place.lat)


def _check_csv_against(docs: list[GeoparsedArticle], path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    mentions = _all_mentions(docs)
    assert len(rows) == len(mentions)
    assert list(rows[0]) == list(CSV_COLUMNS)

    def plain(cell: str, original: str) -> str:
        return cell[1:] if cell.startswith("'") and original[:1] in "=+-@\t\r" else cell

    for row, m in zip(rows, mentions, strict=True):
        assert row["article_id"] == m.article_id and row["place_id"] == m.place.id
        assert plain(row["place"], m.place.name) == m.place.name
        assert (float(row["lat"]), float(row["lon"])) == (m.place.lat, m.place.lon)
        assert (int(row["start"]), int(row["end"])) == (m.start, m.end)
        assert plain(row["excerpt"], m.excerpt) == m.excerpt
        assert plain(row["mention"], m.text) == m.text
        for key in ("place", "mention", "excerpt"):
            assert not row[key].startswith(("=", "+", "-", "@")), "a spreadsheet would run this as a formula"


def test_geojson_carries_every_place_and_mention(tmp_path: Path) -> None:
    docs = _docs()
    export_map(docs, tmp_path / "m.geojson", fmt="geojson")
    _check_geojson_against(docs, tmp_path / "m.geojson")


def test_kml_parses_and_carries_every_place_and_excerpt(tmp_path: Path) -> None:
    docs = _docs()
    export_map(docs, tmp_path / "m.kml", fmt="kml")
    raw = (tmp_path / "m.kml").read_bytes()
    assert raw.startswith(b"<?xml") and b"<script>" not in raw and b"\x0b" not in raw
    _check_kml_against(docs, tmp_path / "m.kml")


def test_csv_has_one_row_per_mention_and_defuses_formulas(tmp_path: Path) -> None:
    docs = _docs()
    export_map(docs, tmp_path / "m.csv", fmt="csv")
    _check_csv_against(docs, tmp_path / "m.csv")


def test_html_export_is_standalone(tmp_path: Path) -> None:
    export_map(_docs(), tmp_path / "m.html", fmt="html", connections=True)
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "<script>x()</script>" not in page
    assert "gazette.build(" in page and '"connections":[{' in page


def test_unknown_format_and_unwritable_path(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="geojson"):
        export_map(_docs(), tmp_path / "m.pdf", fmt="pdf")
    with pytest.raises(SaveError):
        export_map(_docs(), tmp_path / "missing-dir" / "m.csv", fmt="csv")
    assert issubclass(ExportError, GazetteError)


def test_failed_export_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.geojson"
    target.write_text("previous", encoding="utf-8")
    import viewer.export as export

    def boom(docs):  # noqa: ANN001
        raise ValueError("boom")

    monkeypatch.setattr(export, "to_geojson", boom)
    with pytest.raises(ValueError):
        export_map(_docs(), target, fmt="geojson")
    assert target.read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize("fmt", ["geojson", "kml", "csv"])
def test_seed_article_exports(tmp_path: Path, fmt: str) -> None:
    docs = seed_docs(shared_path("articles", "putin-kim-vostochny.txt"))
    path = tmp_path / f"seed.{fmt}"
    export_map(docs, path, fmt=fmt)
    {"geojson": _check_geojson_against, "kml": _check_kml_against, "csv": _check_csv_against}[fmt](docs, path)


def test_exports_carry_the_role_of_associative_mentions(tmp_path: Path) -> None:
    text = "Turkish ships reached Odesa. Turkey said so; Turkish crews agreed."
    turkish = [Mention("a", m.start(), m.end(), "Turkish", TURKEY, text, 0, role="associative") for m in re.finditer("Turkish", text)]
    named = mentions_by_name("a", text, (ODESA, TURKEY))
    doc = GeoparsedArticle(Article("a", "A", text, source="a.txt"), tuple(sorted((*named, *turkish), key=lambda m: m.start)))
    export_map([doc], tmp_path / "m.geojson", fmt="geojson")
    features = {f["id"]: f["properties"] for f in json.loads((tmp_path / "m.geojson").read_text(encoding="utf-8"))["features"]}
    turkey = features[TURKEY.id]
    assert (turkey["role"], turkey["mentions"], turkey["associative_mentions"]) == ("toponym", 1, 2)
    assert turkey["associative"] == [{"text": "Turkish", "count": 2}] and len(turkey["associative_excerpts"]) == 1
    assert features[ODESA.id]["role"] == "toponym" and features[ODESA.id]["associative_mentions"] == 0
    export_map([doc], tmp_path / "m.csv", fmt="csv")
    rows = list(csv.DictReader((tmp_path / "m.csv").read_text(encoding="utf-8").splitlines()))
    assert [(r["mention"], r["role"]) for r in rows] == [("Turkish", "associative"), ("Odesa", "toponym"), ("Turkey", "toponym"), ("Turkish", "associative")]
    export_map([doc], tmp_path / "m.kml", fmt="kml")
    root = ET.parse(tmp_path / "m.kml").getroot()
    data = {d.get("name"): d.find(f"{KML}value").text for mark in root.iter(f"{KML}Placemark") if mark.find(f"{KML}name").text == "Turkey"
            for d in mark.iter(f"{KML}Data")}  # fmt: skip
    assert (data["role"], data["mentions"], data["associative_mentions"]) == ("toponym", "1", "2")
    only = GeoparsedArticle(doc.article, tuple(m for m in doc.mentions if m.text != "Turkey"))
    export_map([only], tmp_path / "o.geojson", fmt="geojson")
    features = {f["id"]: f["properties"] for f in json.loads((tmp_path / "o.geojson").read_text(encoding="utf-8"))["features"]}
    assert (features[TURKEY.id]["role"], features[TURKEY.id]["mentions"]) == ("associative", 0)
