"""viewer.worker: the geoparsers a parse process uses are built once per process."""

from __future__ import annotations

from pathlib import Path

import pytest

import viewer.worker as worker


class CountingGeocoder:
    """Stands in for places.online's Nominatim geocoder: knows no place, counts questions."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def geocode(self, query: str, exactly_one: bool = True, **kwargs):
        self.queries.append(query)
        return None


def test_online_geoparser_is_built_once_per_process(tmp_path: Path, monkeypatch):
    import places.online

    built: list[CountingGeocoder] = []

    def fake_online_geocoder(**kwargs) -> CountingGeocoder:
        built.append(CountingGeocoder())
        return built[-1]

    monkeypatch.setattr(places.online, "online_geocoder", fake_online_geocoder)
    monkeypatch.setattr(worker, "_online_geoparser", None)
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Ships left Vladivostok for Pyongyang on Monday.\n", encoding="utf-8")
    second.write_text("Troops moved from Odesa towards Kherson.\n", encoding="utf-8")

    parse_one = worker.default_parse_one(online=True)
    docs = [parse_one(first), parse_one(second), worker.default_parse_one(online=True)(first)]
    assert len(built) == 1, "a new online geocoder (and SQLite connection) per article"
    online = worker._shared_geoparser(online=True)
    assert online is worker._shared_geoparser(online=True)
    offline = worker._shared_geoparser(online=False)
    assert online is not offline
    assert online.gazetteer is offline.gazetteer  # loaded once, shared
    assert {m.place.name for m in docs[0].mentions} >= {"Vladivostok", "Pyongyang"}
    assert {m.place.name for m in docs[1].mentions} >= {"Odesa"}


def test_online_geoparser_failure_is_not_cached(monkeypatch):
    import places.online
    from places.errors import GeocodingError

    calls: list[int] = []

    def broken(**kwargs):
        calls.append(1)
        raise GeocodingError("Online geocoder misconfigured: test.")

    monkeypatch.setattr(places.online, "online_geocoder", broken)
    monkeypatch.setattr(worker, "_online_geoparser", None)
    for _ in range(2):
        with pytest.raises(GeocodingError):
            worker._shared_geoparser(online=True)
    assert len(calls) == 2
    assert worker._online_geoparser is None


def test_first_run_index_build_is_reported_while_parsing(qtbot, tmp_path, monkeypatch):
    """With no index yet, the parse process builds one and says so, line by line, to the job."""
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path / "cache"))
    worker.stop_spare_child()  # a spare started earlier would know the old cache dir
    article = tmp_path / "note.txt"
    article.write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    job = worker.ParseJob([article], process=worker.ProcessParse())
    statuses: list[str] = []
    job.statusChanged.connect(statuses.append)
    with qtbot.waitSignal(job.succeeded, timeout=180_000) as done:
        job.start()
    docs, page = done.args[0]
    assert [m.text for m in docs[0].mentions] == ["Odesa", "Istanbul"]
    assert page
    assert statuses[0].startswith("Building the place index") and statuses[-1] == "Place index ready (100%)", statuses
    assert (tmp_path / "cache" / "gazetteer.idx").is_file()
    job.wait(5000)
    worker.stop_spare_child()  # the next spare must not keep this test's cache dir
