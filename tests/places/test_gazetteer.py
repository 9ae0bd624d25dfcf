from __future__ import annotations

import os
import shutil
import time

import pytest

from places import gazetteer as gz
from places.gazetteer import Gazetteer, haversine_km
from places.indexformat import INDEX_FILE_NAME, MAGIC, data_version
from places.model import Kind
from tests.support.gazetteer import INDEX_DIR, shared_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return shared_gazetteer()


def test_lookup_ranks_by_prior(gaz):
    assert gaz.lookup("Paris")[0].country == "FR"
    moscow = gaz.lookup("Moscow")
    assert moscow[0].country == "RU" and any(p.country == "US" for p in moscow[1:])
    assert gaz.lookup("Russia")[0].id == "country:RU"
    assert gaz.lookup("Washington")[0].id == "geonames:4140963"  # the capital before the state
    assert gaz.lookup("no such place anywhere") == []


def test_countries_regions_counties_curated_continents(gaz):
    us = gaz.country("us")
    assert us is not None and us.kind is Kind.COUNTRY and haversine_km(us.lat, us.lon, 39.76, -98.5) < 1
    texas = gaz.lookup("Texas")[0]
    assert texas.kind is Kind.REGION and texas.country == "US"
    assert haversine_km(texas.lat, texas.lon, 31.25, -99.25) < 161  # GeoNames' point for the state
    laurel = gaz.lookup("Laurel County")[0]
    assert laurel.kind is Kind.COUNTY and laurel.id.startswith("county:US.")
    vost = gaz.lookup("Vostochny Cosmodrome")[0]
    assert vost.id == "curated:vostochny-cosmodrome" and haversine_km(vost.lat, vost.lon, 51.884, 128.334) < 10
    assert gaz.lookup("Africa")[0].kind is Kind.CONTINENT
    assert gaz.lookup("UK")[0].id == "country:GB"


def test_rows_are_typed_records_with_kinds(gaz):
    row = gaz.row(gaz.candidates("vostochny cosmodrome")[0])
    assert row.kind is Kind.FACILITY and row.id == "curated:vostochny-cosmodrome"
    assert gaz.row(gaz.country_index("RU")).kind is Kind.COUNTRY
    place = gaz.place(gaz.country_index("RU"))
    assert (place.name, place.country, place.kind) == (gaz.row(gaz.country_index("RU")).name, "RU", Kind.COUNTRY)


def test_nearest(gaz):
    assert gaz.nearest(55.75, 37.62).name in {"Moscow", "Kremlin"}
    assert gaz.nearest(51.88, 128.33).id == "curated:vostochny-cosmodrome"


def test_demonyms(gaz):
    assert gaz.demonym_country("Russian") == "RU"
    assert gaz.demonym_country("Russians") == "RU"
    assert gaz.demonym_country("Moscow") is None


def test_warm_load_is_fast(gaz):
    t0 = time.perf_counter()
    Gazetteer.load(cache_dir=INDEX_DIR)
    assert time.perf_counter() - t0 < 2.0  # the bench measures the real figure; this catches rebuilds


def test_corrupt_or_stale_index_is_rebuilt_with_progress(gaz, tmp_path):
    shutil.copy(INDEX_DIR / INDEX_FILE_NAME, tmp_path / INDEX_FILE_NAME)
    data = (tmp_path / INDEX_FILE_NAME).read_bytes()
    (tmp_path / INDEX_FILE_NAME).write_bytes(data[: len(data) // 3])  # truncated
    messages: list[tuple[float, str]] = []
    rebuilt = Gazetteer.load(cache_dir=tmp_path, progress=lambda f, m: messages.append((f, m)))
    assert rebuilt.lookup("Vladivostok")[0].country == "RU"
    assert any("damaged" in m for _, m in messages)
    assert messages[-1][0] == 1.0
    fractions = [f for f, _ in messages]
    assert fractions == sorted(fractions)
    # Garbage with the right magic, and a stale version, both count as unusable.
    assert gz._read_index(tmp_path / INDEX_FILE_NAME, "other-version") is None
    (tmp_path / INDEX_FILE_NAME).write_bytes(MAGIC + b"garbage")
    assert gz._read_index(tmp_path / INDEX_FILE_NAME, data_version()) is None


def test_a_flipped_byte_means_a_rebuild_not_a_silent_load(gaz, tmp_path):
    from places.indexformat import unpack_index

    data = bytearray((INDEX_DIR / INDEX_FILE_NAME).read_bytes())
    assert unpack_index(bytes(data)) is not None
    for where in (len(MAGIC) + 3, len(data) // 2, len(data) - 1):  # the checksum, the middle, the end
        flipped = bytearray(data)
        flipped[where] ^= 0x01
        (tmp_path / INDEX_FILE_NAME).write_bytes(bytes(flipped))
        assert gz._read_index(tmp_path / INDEX_FILE_NAME, data_version()) is None, where


def test_right_version_wrong_field_types_is_unusable_not_a_traceback(tmp_path):
    import marshal

    from places.indexformat import pack_index

    version = data_version()
    for payload in ({"version": version, "cols": 7}, {"version": version, "cols": {"names": 1}},
                    {"version": version, "cols": {}, "keys": None}, [version], {"version": version}):
        (tmp_path / INDEX_FILE_NAME).write_bytes(pack_index(marshal.dumps(payload)))
        assert gz._read_index(tmp_path / INDEX_FILE_NAME, version) is None, payload


def test_a_failed_rebuild_says_why_in_words(tmp_path):
    from places.errors import GazetteerError

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(cache_dir=blocked / "cache")
    message = str(info.value)
    assert message.startswith("Building the place index failed: ")
    assert "Error" not in message and "Traceback" not in message and "errno" not in message.lower(), message


def test_by_id_finds_a_place_by_gazette_id(gaz):
    place = gaz.lookup("Vladivostok")[0]
    assert gaz.by_id(place.id) == place
    assert gaz.by_id("geonames:does-not-exist") is None


def test_continues_says_whether_a_longer_name_begins_with_a_key(gaz):
    assert gaz.has_key("new york") and gaz.continues("new")  # "new york", "new delhi", ...
    assert gaz.continues("new york")  # "new york city"
    assert not gaz.continues("zzyzzx")
    # The answer agrees with the keys themselves ("mosco": a word's beginning is no name's beginning), whatever was asked before (the answers are cached).
    keys = gaz._ix.names._keys
    for key in ("san", "washington", "moscow", "mosco", "kim", "port", "north", "ne"):
        assert gaz.continues(key) == any(k.startswith(f"{key} ") for k in keys), key


def test_key_info_is_has_key_and_continues_in_one(gaz):
    for key in ("new", "new york", "paris", "zzyzzx", "mosco", "san", "the", "washington"):
        for _ in range(2):  # asked again: the cached answer
            assert gaz.key_info(key) == gaz.has_key(key) + 2 * gaz.continues(key), key
    assert gaz.key_info("new york") == 3 and gaz.key_info("zzyzzx") == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork and ru_minflt: Linux and macOS")
def test_prefault_copies_a_forks_shared_pages_before_its_first_lookups(gaz):
    # A pool worker is a fork of the process that loaded the index: a look-up's bisection writes
    # the reference counts of the keys it compares, which copies those pages one fault at a time
    # unless prefault() has copied them all first. The same fresh keys are looked up either way.
    import random
    import resource

    rng = random.Random(7)
    fresh = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)) for _ in range(3000)]  # all over the key table

    def faults_of_lookups(prefault: bool) -> int:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report its faults over the pipe, and leave without cleaning up
            try:
                if prefault:
                    gaz.prefault()
                before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                for key in fresh:
                    gaz.has_key(key)
                os.write(write, str(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before).encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read) as f:
            out = int(f.read())
        os.waitpid(pid, 0)
        return out

    cold, prefaulted = faults_of_lookups(False), faults_of_lookups(True)
    assert cold > 300 and prefaulted * 5 < cold, (cold, prefaulted)


@pytest.mark.parametrize("text", ["\n", "\n\n", "\na\n", "\na\nb\n", "\n\nab\nabc\nb\nba\nz\n"])
def test_in_sorted_lines_answers_as_a_search_for_the_line_does(text):
    for key in ["", "a", "ab", "abc", "abd", "b", "ba", "bb", "c", "z", "zz", "0", "A"]:
        assert gz._in_sorted_lines(text, key) is (f"\n{key}\n" in text), (text, key)


def test_rare_surnames_are_sorted_and_each_is_found(gaz):
    text = gaz._ix.rare_surnames
    lines = text[1:-1].split("\n")
    assert len(lines) > 10_000 and lines == sorted(lines)
    assert all(gaz.is_rare_surname(name) for name in lines[::97])
    assert not any(gaz.is_rare_surname(name + "q") for name in lines[::97] if f"\n{name}q\n" not in text)
