from __future__ import annotations

import json

import pytest

from places.gazetteer import haversine_km
from places.geoparse import Geoparser
from places.model import Article, Kind
from tests.conftest import shared_path
from tests.support.gazetteer import shared_gazetteer


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return Geoparser(shared_gazetteer())


def _parse(parser: Geoparser, text: str):
    return parser.parse(Article(id="t", title="", text=text)).mentions


def test_mentions_are_in_text_order_with_excerpts(parser):
    text = "Talks were held in Moscow. Later the delegation flew to Pyongyang and then to Vladivostok."
    ms = _parse(parser, text)
    assert [m.text for m in ms] == ["Moscow", "Pyongyang", "Vladivostok"]
    for m in ms:
        assert text[m.start : m.end] == m.text
        assert m.excerpt[m.start_in_excerpt : m.end_in_excerpt] == m.text
        assert 0 < m.confidence <= 1


def test_seed_article_meets_the_bar(parser):
    text = shared_path("articles", "putin-kim-vostochny.txt").read_text(encoding="utf-8")
    ms = parser.parse(Article(id="seed", title="", text=text)).mentions
    by_text = {}
    for m in ms:
        by_text.setdefault(m.text, m.place)
    for name in ["Vostochny Cosmodrome", "Komsomolsk-on-Amur", "Vladivostok", "Pyongyang", "Moscow", "Washington",
                 "Russia", "North Korea", "South Korea", "Ukraine", "US", "Kremlin"]:
        assert name in by_text, name
    v = by_text["Vostochny Cosmodrome"]
    assert haversine_km(v.lat, v.lon, 51.884, 128.334) < 10
    p = by_text["Pyongyang"]
    assert haversine_km(p.lat, p.lon, 39.03385, 125.75432) < 15
    w = by_text["Washington"]
    assert haversine_km(w.lat, w.lon, 38.895, -77.036) < 20
    texts = {m.text for m in ms}
    for never in ["Kim", "Putin", "Peskov", "Mr Kim", "KCNA", "AFP", "UN Security Council", "Russian",
                  "North Korean", "Wednesday", "Pacific"]:
        assert never not in texts, never
    gold = json.loads(shared_path("articles", "putin-kim-vostochny.gold.jsonl").read_text(encoding="utf-8"))
    assert {(g["start"], g["end"]) for g in gold["places"]} <= {(m.start, m.end) for m in ms}


def test_fallback_is_asked_only_about_unknown_facility_names_and_failures_are_swallowed(parser):
    from places.errors import GeocodingError

    asked: list[str] = []

    class Flaky:
        def geocode(self, query, exactly_one=True):
            asked.append(query)
            if "Zorbek" in query:
                raise GeocodingError("offline")
            from geopy.location import Location
            from geopy.point import Point

            return Location(query, Point(10.0, 20.0), {"osm_type": "way", "osm_id": 42, "class": "aeroway"})

    fp = Geoparser(shared_gazetteer(), fallback=Flaky())
    text = "The jets left Qarlutsk Air Base for Zorbek Cosmodrome, not Moscow."
    ms = fp.parse(Article(id="f", title="", text=text)).mentions
    assert sorted(asked) == ["Qarlutsk Air Base", "Zorbek Cosmodrome"]
    got = {m.text: m.place for m in ms}
    assert got["Qarlutsk Air Base"].id == "geocoder:way/42"
    assert got["Qarlutsk Air Base"].kind is Kind.FACILITY
    assert got["Qarlutsk Air Base"].source == "OpenStreetMap Nominatim"
    assert "Zorbek Cosmodrome" not in got and "Moscow" in got


def test_shared_geoparser_is_one_instance(monkeypatch, tmp_path):
    from places import geoparse
    from tests.support.gazetteer import INDEX_DIR

    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(INDEX_DIR))
    monkeypatch.setattr(geoparse, "_offline", None)
    assert geoparse.shared_geoparser() is geoparse.shared_geoparser()


def test_shared_online_geoparser_is_built_once_and_shares_the_gazetteer(monkeypatch):
    import places.online
    from places import geoparse
    from tests.support.gazetteer import INDEX_DIR

    built: list[object] = []

    class Unknowing:
        def geocode(self, query, exactly_one=True, **kwargs):
            return None

    def fake_online_geocoder(**kwargs):
        built.append(Unknowing())
        return built[-1]

    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(INDEX_DIR))
    monkeypatch.setattr(places.online, "online_geocoder", fake_online_geocoder)
    monkeypatch.setattr(geoparse, "_offline", None)
    monkeypatch.setattr(geoparse, "_online", None)
    online = geoparse.shared_geoparser(online=True)
    assert online is geoparse.shared_geoparser(online=True)
    assert len(built) == 1
    offline = geoparse.shared_geoparser()
    assert online is not offline
    assert online.gazetteer is offline.gazetteer


def test_shared_online_geoparser_failure_is_not_cached(monkeypatch):
    import places.online
    from places import geoparse
    from places.errors import GeocodingError
    from tests.support.gazetteer import INDEX_DIR

    calls: list[int] = []

    def broken(**kwargs):
        calls.append(1)
        raise GeocodingError("Online geocoder misconfigured: test.")

    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(INDEX_DIR))
    monkeypatch.setattr(places.online, "online_geocoder", broken)
    monkeypatch.setattr(geoparse, "_online", None)
    for _ in range(2):
        with pytest.raises(GeocodingError):
            geoparse.shared_geoparser(online=True)
    assert len(calls) == 2 and geoparse._online is None


# Errors a reader of the bundled sample article saw at once (our own sentences).
def _places(parser: Geoparser, text: str) -> dict[str, object]:
    return {m.text: m.place for m in _parse(parser, text)}


def test_sentence_initial_common_words_are_not_towns(parser):
    got = _places(parser, "Grain ships left at dawn.\n\nThe grain left the port of Odesa. Port officials in Odesa agreed.")
    assert "Grain" not in got and "Port" not in got
    assert got["Odesa"].country == "UA"


def test_sea_of_x_names_and_unknown_feature_heads(parser):
    got = _places(parser, "Ships crossed the Sea of Marmara, the Gulf of Finland and the Bay of Biscay to Lake Baikal.")
    assert {n: p.kind for n, p in got.items()} == {
        "Sea of Marmara": Kind.WATER, "Gulf of Finland": Kind.WATER, "Bay of Biscay": Kind.WATER,
        "Lake Baikal": Kind.WATER}
    assert haversine_km(got["Sea of Marmara"].lat, got["Sea of Marmara"].lon, 40.7, 28.2) < 100
    # An unknown "Sea of X" / "Lake X" is not the town X.
    assert "Paris" not in _places(parser, "Boats sailed on the Sea of Paris and on Lake Paris.")


def test_generic_feature_words_never_match_alone(parser):
    got = _places(parser, "Island life is quiet. Lake levels fell and the River rose. Mount rescue teams waited at the Port.")
    assert got == {}
    got = _places(parser, "The ship passed Snake Island, off Ukraine.")
    assert got["Snake Island"].country == "UA"
    assert haversine_km(got["Snake Island"].lat, got["Snake Island"].lon, 45.255, 30.204) < 5


def test_one_town_in_a_world_story_does_not_pull_a_namesake(parser):
    text = ("Ships left Odesa for Istanbul. Insurers in London and brokers in Athens watch the lane. "
            "Officials in Kyiv, Bucharest and Ankara met. Traders in Geneva and Singapore are watching; "
            "wheat prices in Chicago dipped.")
    got = _places(parser, text)
    assert got["Geneva"].country == "CH" and got["Chicago"].country == "US"


def test_a_capital_beats_a_neighbouring_countrys_namesake(parser):
    text = ("Troops moved from Kyiv to Odesa. Volunteers in Lviv posted a banner. The mayor of Warsaw spoke. "
            "Diplomats in Vienna wrote a memo. A protest in Minsk went on.")
    got = _places(parser, text)
    assert got["Minsk"].country == "BY" and got["Warsaw"].country == "PL"


def test_a_named_state_still_picks_the_small_namesake(parser):
    got = _places(parser, "Officials in Geneva, Illinois, met. Chicago and Aurora sent crews to Geneva.")
    assert got["Geneva"].country == "US"


def test_mentions_of_one_sentence_share_one_excerpt(parser):
    ms = _parse(parser, "Ships left Odesa for Istanbul and Varna. Then they returned to Odesa.")
    assert [m.text for m in ms] == ["Odesa", "Istanbul", "Varna", "Odesa"]
    assert ms[0].excerpt is ms[1].excerpt is ms[2].excerpt and ms[3].excerpt != ms[0].excerpt
    assert ms[0].alternatives is ms[3].alternatives


def test_ports_named_like_their_province_are_the_ports(parser):
    ms = _parse(parser, "Captains sail past Constanța and Varna before the Bosporus. Varna Province was calm.")
    assert [(m.text, m.place.kind) for m in ms] == [
        ("Constanța", Kind.CITY), ("Varna", Kind.CITY), ("Bosporus", Kind.WATER), ("Varna", Kind.REGION)]


def test_the_offline_geoparser_never_imports_the_online_geocoder():
    import subprocess
    import sys
    from pathlib import Path

    from tests.support.gazetteer import INDEX_DIR

    code = ("import sys; from places.geoparse import shared_geoparser; shared_geoparser(); "
            "print('places.online' in sys.modules, 'geopy' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    env = {**__import__("os").environ, "GAZETTE_CACHE_DIR": str(INDEX_DIR), "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, check=True)
    assert out.stdout.split() == ["False", "False"]
