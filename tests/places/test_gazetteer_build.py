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
