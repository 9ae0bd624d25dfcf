"""Streaming a folder onto the map: partial results, merged into the live page, the view kept."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from places.model import group_by_place
from tests.support.window import open_and_wait, run_page_js
from viewer.basemaps import MapOptions
from viewer.mapbuilder import map_page
from viewer.streaming import PartialFeed, page_data_json

TEXTS = (
    "Ships left Vladivostok for Pyongyang on Monday.",
    "Talks in Moscow and Beijing went on late.",
    "Officials met in Seoul, then flew to Tokyo.",
)
# What the page draws, for comparing a streamed map with a one-shot load of the same articles.
STATE_JS = (
    "JSON.stringify({places: gazette.places(), shown: gazette.shownPlaces(),"
    " info: document.querySelector('.gz-info').textContent,"
    " legend: (document.querySelector('.gz-legend') || {}).textContent || '',"
    " time: gazette.time()})"
)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "week"
    folder.mkdir()
    for i, text in enumerate(TEXTS):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    return folder


def _js(qtbot, window, expression: str):  # noqa: ANN001, ANN202
    return json.loads(run_page_js(qtbot, window.map_view.web_page, f"JSON.stringify({expression})"))


def _wait_for_places(qtbot, window, ids: set[str], *, seconds: float = 30) -> None:  # noqa: ANN001
    """Until the page shown has drawn exactly the places ``ids``."""
    deadline = time.monotonic() + seconds
    places = None
    while time.monotonic() < deadline:
        if window.map_view.is_ready:
            places = json.loads(run_page_js(qtbot, window.map_view.web_page, "JSON.stringify(window.gazette ? gazette.places() : null)"))
            if places and set(places) == ids:
                return
        qtbot.wait(100)
    raise AssertionError(f"the map shows {places}, not {sorted(ids)}")


def _docs(parse, folder: Path):  # noqa: ANN001
    from places.sources import load_sources

    return [parse(a) for a in load_sources([folder])]


def test_the_feed_sends_a_page_first_then_data_and_never_the_last_article(parse, tmp_path):
    docs = _docs(parse, _folder(tmp_path))
    now = [0.0]
    sent = []
    feed = PartialFeed(lambda: MapOptions(), sent.append, interval=0.5, clock=lambda: now[0])
    feed.total = 3
    feed.add(docs[:1])
    feed.add(docs[:2])  # within the interval: nothing
    assert len(sent) == 1 and sent[0].page and not sent[0].data
    assert json.loads(page_data_json(sent[0].page))["articles"] == {docs[0].article.id: docs[0].article.title}
    now[0] = 10.0
    feed.add(docs[:2])
    assert len(sent) == 2 and not sent[1].page
    data = json.loads(sent[1].data)
    assert [p["id"] for p in data["places"]] == [g.place.id for g in group_by_place(docs[:2])]
    assert sent[1].place_ids == {g.place.id for g in group_by_place(docs[:2])}
    now[0] = 20.0
    feed.add(docs)  # the last article: the final result follows instead
    assert len(sent) == 2


def test_a_folder_streams_onto_the_map_and_keeps_the_view(qtbot, make_window, parse, tmp_path):
    folder = _folder(tmp_path)
    gate = threading.Event()

    def slow(article):  # noqa: ANN001, ANN202
        if article.source.endswith("2.txt"):
            gate.wait(60)
        return parse(article)

    window = make_window(parse=slow)
    ready: list[bool] = []
    window.mapReady.connect(lambda: ready.append(True))
    page = window.map_view.web_page
    try:
        window.open_paths([folder])
        first = {g.place.id for g in group_by_place(_docs(parse, folder)[:1])}
        _wait_for_places(qtbot, window, first)  # before the job has ended
        assert window.busy and not ready  # the window's "map ready" waits for the whole folder
        # The world view while loading; then the reader picks a place (the list's focus).
        assert _js(qtbot, window, "gazette.presentation()")["zoom"] == 2
        pyongyang = next(g.place.id for g in group_by_place(_docs(parse, folder)[:1]) if g.place.name == "Pyongyang")
        run_page_js(qtbot, page, f"gazette.focusPlace({json.dumps(pyongyang)}) && 1")
        qtbot.waitUntil(lambda: _js(qtbot, window, "document.querySelectorAll('.leaflet-popup').length") == 1, timeout=10000)
        before = _js(qtbot, window, "gazette.presentation()")
        with qtbot.waitSignal(window.mapReady, timeout=30000):
            gate.set()
    finally:
        gate.set()
    after = _js(qtbot, window, "gazette.presentation()")
    assert (after["lat"], after["lon"], after["zoom"]) == (before["lat"], before["lon"], before["zoom"])
    streamed = json.loads(run_page_js(qtbot, page, STATE_JS))
    assert streamed["places"] == [g.place.id for g in group_by_place(window.docs)]
    # The page of the whole folder, loaded at once, draws the same map.
    with qtbot.waitSignal(window.map_view.ready, timeout=30000):
        window.map_view.load_page(window.stream.page, known_ids=window.session.groups)
    assert json.loads(run_page_js(qtbot, page, STATE_JS)) == streamed


def test_a_cancelled_stream_gives_the_map_back(qtbot, make_window, parse, tmp_path):
    folder = _folder(tmp_path)
    single = tmp_path / "one.txt"
    single.write_text("Crews left Odesa at dawn.", encoding="utf-8")
    window = make_window()
    open_and_wait(qtbot, window, single)
    shown = _js(qtbot, window, "gazette.places()")
    gate = threading.Event()

    def slow(article):  # noqa: ANN001, ANN202
        if article.source.endswith("2.txt"):
            gate.wait(60)
        return parse(article)

    window.parse = slow
    try:
        window.open_paths([folder])
        first = {g.place.id for g in group_by_place(_docs(parse, folder)[:1])}
        _wait_for_places(qtbot, window, first)
        window.cancel_open()
    finally:
        gate.set()
    _wait_for_places(qtbot, window, set(shown))
    assert _js(qtbot, window, "gazette.places()") == shown
    assert window.paths == (single,)


def test_page_data_json_reads_the_data_block_of_a_page(parse, tmp_path):
    # The final merge reads the data block of the page a one-shot open would load.
    docs = _docs(parse, _folder(tmp_path))
    data = json.loads(page_data_json(map_page(docs)))
    assert [p["id"] for p in data["places"]] == [g.place.id for g in group_by_place(docs)]


def test_an_untouched_stream_ends_in_the_view_of_a_one_shot_load(qtbot, make_window, tmp_path):
    window = make_window()
    open_and_wait(qtbot, window, _folder(tmp_path))
    view = "[gazette.presentation().lat, gazette.presentation().lon, gazette.presentation().zoom]"
    streamed = _js(qtbot, window, view)
    assert streamed[2] > 2  # fitted to the places, not the world view of the stream's first page
    with qtbot.waitSignal(window.map_view.ready, timeout=30000):
        window.map_view.load_page(window.stream.page, known_ids=window.session.groups)
    assert _js(qtbot, window, view) == streamed
