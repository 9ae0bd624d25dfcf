"""The opt-in online geocoder against a real Nominatim-speaking HTTP server on 127.0.0.1."""

from __future__ import annotations

import ast
import socket
import sqlite3
import time
import warnings
from pathlib import Path

import pytest
from geopy.location import Location

from places.errors import GazetteError, GeocodingError
from places.online import CachingGeocoder, default_cache_path, online_geocoder
from tests.support.nominatim_server import running_server


@pytest.fixture
def server():
    with running_server() as srv:
        yield srv


def local(srv, tmp_path: Path, **kwargs) -> CachingGeocoder:
    options = {"min_delay_seconds": 0.0, "timeout": 2.0, "cache_path": tmp_path / "geocoder.sqlite"}
    options.update(kwargs)
    return online_geocoder(domain=srv.domain, scheme="http", **options)


def test_geocode_returns_location_with_coordinates_and_raw(server, tmp_path):
    geocoder = local(server, tmp_path)
    loc = geocoder.geocode("Tsiolkovsky")
    assert isinstance(loc, Location)
    assert loc.latitude == pytest.approx(51.679)
    assert loc.longitude == pytest.approx(128.077)
    assert loc.address == "Tsiolkovsky, Amur Oblast, Russia"
    assert loc.raw["osm_id"] == 1001 and loc.raw["class"] == "place"
    assert server.requests[0].path == "/search"
    assert server.requests[0].params["q"] == "Tsiolkovsky"
    assert server.requests[0].params["format"] == "json"
    assert server.requests[0].params["limit"] == "1"
    assert server.requests[0].user_agent.startswith("Gazette/")


def test_second_query_is_served_from_cache_also_after_reopening(server, tmp_path):
    geocoder = local(server, tmp_path)
    first = geocoder.geocode("Zvezdny Gorodok")
    assert server.count == 1
    # Same name, different case and spacing: one normalised key.
    again = geocoder.geocode("  zvezdny   GORODOK ")
    assert server.count == 1
    assert (again.latitude, again.longitude, again.raw) == (first.latitude, first.longitude, first.raw)
    geocoder.cache.close()

    reopened = local(server, tmp_path)
    cached = reopened.geocode("Zvezdny Gorodok")
    assert server.count == 1
    assert isinstance(cached, Location)
    assert cached.point == first.point and cached.raw == first.raw


def test_exactly_one_false_is_a_separate_entry(server, tmp_path):
    geocoder = local(server, tmp_path)
    one = geocoder.geocode("Kyiv")
    many = geocoder.geocode("Kyiv", exactly_one=False)
    assert server.count == 2
    assert isinstance(many, list) and [m.point for m in many] == [one.point]
    assert "limit" not in server.requests[1].params


def test_no_result_is_cached(server, tmp_path):
    geocoder = local(server, tmp_path)
    assert geocoder.geocode("Atlantis") is None
    assert geocoder.geocode("Atlantis") is None
    assert geocoder.geocode("Atlantis", exactly_one=False) is None
    assert server.count == 2  # exactly_one=True and False are separate questions
    geocoder.cache.close()
    assert local(server, tmp_path).geocode("atlantis") is None
    assert server.count == 2


def test_reverse_goes_through_the_cache(server, tmp_path):
    geocoder = local(server, tmp_path)
    loc = geocoder.reverse((46.48, 30.72))
    assert loc.address.startswith("Odesa")
    assert server.requests[0].path == "/reverse"
    assert float(server.requests[0].params["lat"]) == pytest.approx(46.48)
    assert geocoder.reverse("46.48, 30.72").raw == loc.raw
    assert server.count == 1
    assert geocoder.reverse((0.0, 0.0)) is None  # Nominatim's "Unable to geocode"
    assert geocoder.reverse((0.0, 0.0)) is None
    assert server.count == 2


def test_live_requests_are_spaced_by_min_delay(server, tmp_path):
    delay = 0.2
    geocoder = local(server, tmp_path, min_delay_seconds=delay)
    names = ["Kyiv", "Odesa", "Tsiolkovsky", "Atlantis", "Zvezdny Gorodok"]
    for name in names:
        geocoder.geocode(name)
    for name in names:  # cached: must not add requests nor wait
        geocoder.geocode(name)
    arrivals = [r.at for r in server.requests]
    assert len(arrivals) == len(names)
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    # Arrivals are stamped by the server thread, which a loaded machine may wake late: one late stamp shortens the
    # next gap though the client waited. The whole span only carries the jitter of its two ends.
    assert arrivals[-1] - arrivals[0] >= (len(names) - 1) * delay - 0.02, gaps
    assert min(gaps) >= delay / 2, gaps


def test_public_nominatim_is_never_asked_more_than_once_a_second(tmp_path):
    geocoder = online_geocoder(cache_path=tmp_path / "c.sqlite", min_delay_seconds=0.0)
    assert geocoder._limited.min_delay_seconds >= 1.0
    assert geocoder.inner.domain == "nominatim.openstreetmap.org" and geocoder.inner.scheme == "https"


def assert_prompt_failure(geocoder, *, within: float) -> GeocodingError:
    started = time.monotonic()
    with pytest.raises(GeocodingError) as info:
        geocoder.geocode("Kyiv")
    elapsed = time.monotonic() - started
    assert elapsed < within, elapsed
    message = str(info.value)
    assert message.startswith("Online geocoder unavailable:")
    assert "works offline without it" in message
    assert "Traceback" not in message
    assert info.value.__cause__ is not None
    return info.value


def test_server_error_500_becomes_geocoding_error(tmp_path):
    with running_server(mode="error500") as srv:
        geocoder = local(srv, tmp_path, max_retries=1)
        assert_prompt_failure(geocoder, within=3.0)
        assert srv.count == 2  # one retry, then give up
        assert len(geocoder.cache) == 0  # failures are not cached


def test_closed_port_becomes_geocoding_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on `port` now.
    geocoder = online_geocoder(domain=f"127.0.0.1:{port}", scheme="http", cache_path=tmp_path / "c.sqlite",
                               min_delay_seconds=0.0, timeout=2.0, max_retries=0)
    err = assert_prompt_failure(geocoder, within=3.0)
    assert isinstance(err, GazetteError)
    # While the service is down, further names fail at once instead of each waiting again.
    started = time.monotonic()
    with pytest.raises(GeocodingError):
        geocoder.geocode("Odesa")
    assert time.monotonic() - started < 0.1


def test_hanging_server_times_out(tmp_path):
    with running_server(mode="hang") as srv:
        geocoder = local(srv, tmp_path, timeout=0.5, max_retries=0)
        assert_prompt_failure(geocoder, within=2.5)
        assert srv.count == 1


def test_non_json_answer_is_a_geocoding_error(tmp_path):
    with running_server(mode="garbage") as srv:
        geocoder = local(srv, tmp_path, max_retries=0)
        with pytest.raises(GeocodingError):
            geocoder.geocode("Kyiv")


def test_cached_answers_still_work_when_the_server_is_gone(tmp_path):
    with running_server() as srv:
        domain = srv.domain
        geocoder = local(srv, tmp_path)
        assert geocoder.geocode("Odesa") is not None
        geocoder.cache.close()
    offline = online_geocoder(domain=domain, scheme="http", cache_path=tmp_path / "geocoder.sqlite",
                              min_delay_seconds=0.0, timeout=1.0, max_retries=0)
    assert offline.geocode("Odesa").latitude == pytest.approx(46.4825)


@pytest.mark.parametrize("content", [b"this is not a database" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_corrupt_cache_file_is_rebuilt_with_a_warning(server, tmp_path, content):
    path = tmp_path / "geocoder.sqlite"
    path.write_bytes(content)
    with pytest.warns(RuntimeWarning, match="geocoder cache"):
        geocoder = local(server, tmp_path)
    assert geocoder.geocode("Kyiv").latitude == pytest.approx(50.4501)
    geocoder.cache.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert local(server, tmp_path).geocode("Kyiv") is not None
    assert server.count == 1


def test_cache_corrupted_while_open_is_rebuilt(server, tmp_path):
    path = tmp_path / "geocoder.sqlite"
    geocoder = local(server, tmp_path)
    geocoder.geocode("Kyiv")
    # Overwrite the pages under the open connection, as a crash or a careless tool might.
    path.write_bytes(b"garbage" * 2000)
    with pytest.warns(RuntimeWarning, match="geocoder cache"):
        loc = geocoder.geocode("Kyiv")
    assert loc.latitude == pytest.approx(50.4501)
    assert server.count == 2
    assert geocoder.geocode("Kyiv") is not None and server.count == 2


def test_cache_path_follows_gazette_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path / "cachedir"))
    assert default_cache_path() == tmp_path / "cachedir" / "geocoder.sqlite"
    geocoder = online_geocoder(domain="127.0.0.1:9", scheme="http")
    assert geocoder.cache.path == tmp_path / "cachedir" / "geocoder.sqlite"
    assert geocoder.cache.path.exists()


def test_only_the_opt_in_factory_imports_the_online_geocoder():
    """places.online is imported by nothing at module level, and only by shared_geoparser(online=True) (through _base_geoparser)."""
    root = Path(__file__).resolve().parents[2] / "places"
    importers = []
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in ("shared_geoparser", "_base_geoparser")
                   and path.name == "geoparse.py" for n in ast.walk(f)}
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module or ""]
            if any(n == "places.online" or n.startswith("places.online.") for n in names) and id(node) not in allowed:
                importers.append(path.name)
    assert importers == []


def test_geoparser_fallback_plots_a_name_the_gazetteer_lacks(server, tmp_path):
    from places.articles import article_from_text
    from places.geoparse import Geoparser

    text = "Rockets left Kvorthal Spaceport on Monday, and crews flew on to Odesa."
    article = article_from_text(text, id="fallback-test")
    offline = Geoparser().parse(article)
    assert "Kvorthal Spaceport" not in [m.text for m in offline.mentions]
    assert server.count == 0

    online = Geoparser(fallback=local(server, tmp_path)).parse(article)
    found = [m for m in online.mentions if m.text == "Kvorthal Spaceport"]
    assert len(found) == 1
    place = found[0].place
    assert (place.lat, place.lon) == (pytest.approx(-12.3456), pytest.approx(45.6789))
    assert "Nominatim" in place.source
    assert found[0].excerpt.startswith("Rockets left Kvorthal Spaceport")
    # Only the unknown name went online; Odesa came from the offline gazetteer.
    assert [r.params["q"] for r in server.requests] == ["Kvorthal Spaceport"]
    assert any(m.text == "Odesa" and "Nominatim" not in m.place.source for m in online.mentions)


@pytest.mark.parametrize("mode", ["drip", "drip-headers"])
def test_a_dripping_server_cannot_hold_a_name_past_its_deadline(tmp_path, mode):
    # One byte every 0.2 s would take minutes for the whole answer; each byte is well within
    # the socket timeout, so only a deadline for the whole look-up (retries included) ends it.
    with running_server(mode=mode, drip_seconds=0.2) as srv:
        geocoder = local(srv, tmp_path, timeout=1.0, max_retries=1)
        started = time.monotonic()
        with pytest.raises(GeocodingError, match="unavailable"):
            geocoder.geocode("Kyiv")
        assert time.monotonic() - started < 1.8
        assert len(geocoder.cache) == 0


@pytest.mark.parametrize("mode", ["huge", "huge-declared"])
def test_a_huge_answer_is_refused_while_read_and_not_cached(tmp_path, mode):
    import tracemalloc

    with running_server(mode=mode) as srv:  # 300 MB of JSON
        geocoder = local(srv, tmp_path, timeout=5.0, max_retries=1)
        tracemalloc.start()
        try:
            started = time.monotonic()
            with pytest.raises(GeocodingError, match="too much"):
                geocoder.geocode("Kyiv")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert time.monotonic() - started < 3.0
        assert peak < 20_000_000, peak
        assert srv.count == 1  # a too-large answer is not asked for again
        assert len(geocoder.cache) == 0
        assert geocoder.notice == "online look-ups unavailable, using the offline gazetteer"


def test_failures_log_no_tracebacks_and_notify_once(tmp_path, caplog):
    import logging

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    heard: list[str] = []
    geocoder = online_geocoder(domain=f"127.0.0.1:{port}", scheme="http", cache_path=tmp_path / "c.sqlite",
                               min_delay_seconds=0.0, timeout=2.0, max_retries=3, on_unavailable=heard.append)
    assert geocoder.notice is None
    with caplog.at_level(logging.DEBUG):
        for name in ("Kyiv", "Odesa", "Tsiolkovsky"):
            with pytest.raises(GeocodingError):
                geocoder.geocode(name)
    assert heard == ["online look-ups unavailable, using the offline gazetteer"]
    assert geocoder.notice == heard[0]
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


def test_error500_retries_quietly(tmp_path, caplog):
    import logging

    with running_server(mode="error500") as srv, caplog.at_level(logging.DEBUG):
        geocoder = local(srv, tmp_path, max_retries=2)
        with pytest.raises(GeocodingError):
            geocoder.geocode("Kyiv")
        assert srv.count == 3
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]
