"""Lessons in the window: corrections written into the lesson survive save → close → open; undo/redo walks them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from places.lessons import Correction, load_lesson
from tests.conftest import shared_path
from tests.data.bad_files import MALFORMED_LESSONS
from tests.support.window import open_and_wait
from viewer import dialogs
from viewer.corrections import corrections_for

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "assets" / "sample"


def _plain_copy(tmp_path: Path) -> Path:
    target = tmp_path / "putin-kim.txt"
    shutil.copy(shared_path("articles", "putin-kim-vostochny.txt"), target)
    return target


def _group(window, name: str):
    return next(g for g in window.session.groups.values() if g.place.name == name)


def test_the_sample_lesson_opens_with_its_corrections_extras_and_basemap(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    window = make_window()
    open_and_wait(qtbot, window, SAMPLE / "black-sea.gazette.yaml")
    lesson = window.session.lesson
    assert lesson is not None and lesson.title == "The Black Sea grain corridor" and len(lesson.tour) == 5
    names = {g.place.name for g in window.session.groups.values()}
    assert "Africa" not in names
    texts = {m.text: m.place for d in window.docs for m in d.mentions}
    assert texts["Reni"].id == "geonames:12129128"
    assert (texts["Izmail"].lat, texts["Izmail"].lon) == (45.35, 28.83)
    ids = window.map_view.page().runJavaScript  # noqa: F841 (the page is checked below through gazette.places)
    box: dict = {}
    window.map_view.page().runJavaScript("JSON.stringify([gazette.places().length, Object.keys(document.querySelectorAll('.gz-article-toggle')).length])", 0, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=5000)
    places, toggles = __import__("json").loads(box["v"])
    assert places == len(window.session.groups) + 1  # Sulina, the extra place
    assert toggles == 2  # one layer per article
    assert not window.isWindowModified()


def test_each_kind_of_correction_survives_save_close_open_and_undo_redo_walks_them(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    article = _plain_copy(tmp_path)
    window = make_window()
    open_and_wait(qtbot, window, article)
    window.lesson_file.ask_to_save = lambda: QMessageBox.StandardButton.Cancel
    assert not window.isWindowModified()
    kremlin = _group(window, "Kremlin")
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        assert window.correct(corrections_for(kremlin)[-1])  # not a place
    washington = _group(window, "Washington")
    other = next((c for c in corrections_for(washington) if c.to is not None), None)
    assert other is not None, "Washington offers no other reading"
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        assert window.correct(other)
    vostochny = _group(window, "Vostochny Cosmodrome")
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        assert window.move_place(vostochny.place.id, 51.9, 128.4)
    assert window.isWindowModified() and window.windowTitle().endswith("[*]")
    expected = window.session.lesson.corrections
    assert {(c.name, bool(c.not_a_place), c.place_id, c.lat) for c in expected} == {
        ("Kremlin", True, None, None), ("Washington", False, other.to.id, None), ("Vostochny Cosmodrome", False, None, 51.9)}
    docs = window.docs

    # Undo walks back, redo forth, through the one stack.
    for n in range(3):
        with qtbot.waitSignal(window.mapReady, timeout=30000):
            window.undo()
        assert len(window.session.lesson.corrections) == 2 - n
    assert not window.isWindowModified()
    for n in range(3):
        with qtbot.waitSignal(window.mapReady, timeout=30000):
            window.redo()
        assert len(window.session.lesson.corrections) == n + 1
    assert window.session.lesson.corrections == expected and window.docs == docs

    # Closing asks; Cancel keeps the window open.
    assert not window.close() and window.isVisible()

    path = tmp_path / "week.gazette.yaml"
    assert window.lesson_file.save_as(path)
    assert not window.isWindowModified() and window.close()
    assert load_lesson(path).corrections == expected

    again = make_window()
    open_and_wait(qtbot, again, path)
    assert again.session.lesson.corrections == expected
    texts = {m.text: m.place for d in again.docs for m in d.mentions}
    assert "Kremlin" not in texts
    assert texts["Washington"].id == other.to.id
    assert (texts["Vostochny Cosmodrome"].lat, texts["Vostochny Cosmodrome"].lon) == (51.9, 128.4)
    assert [g.place.id for g in again.session.groups.values()] == [g.place.id for g in window.session.groups.values()]


def test_a_malformed_lesson_is_one_dialog_and_the_previous_lesson_stays(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window()
    open_and_wait(qtbot, window, SAMPLE / "black-sea.gazette.yaml")
    before = (window.session.lesson, window.docs, window.windowTitle())
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    bad = tmp_path / "bad.gazette.yaml"
    bad.write_text("title: T\narticles:\n  - text: hi\ncorrections:\n  - {name: X, lat: 100, lon: 0}\n", encoding="utf-8")
    window.open_paths([bad])
    qtbot.waitUntil(lambda: bool(shown) and not window.busy, timeout=30000)
    assert len(shown) == 1 and "line 5" in shown[0] and "corrections[1].lat" in shown[0]
    assert (window.session.lesson, window.docs, window.windowTitle()) == before


GOOD = """\
title: The grain corridor
articles: [ports.txt]
corrections:
  - {name: Varna, not_a_place: true}
tour:
  - {place: Odesa, caption: Where the ships load}
  - {view: {lat: 43.2, lon: 28.0, zoom: 6}, caption: The Bulgarian coast}
"""


def _lesson_state(qtbot, window):
    from tests.support.window import run_page_js

    tour = run_page_js(qtbot, window.map_view.page(), "JSON.stringify(gazette.presentation().total)")
    return (window.windowTitle(), window.session.lesson, window.session.shown.lesson_path, window.docs,
            sorted(window.session.groups), window.places.place_ids(), tour, window.undo_action.isEnabled())  # fmt: skip


IN_A_CHILD = {"bad-yaml", "symlink-out", "nested-brackets"}  # the app's own way, on a few cases; the thread on all


@pytest.mark.parametrize(("case", "mode"), [(c, "thread") for c in MALFORMED_LESSONS] + [(c, "process") for c in MALFORMED_LESSONS if c.name in IN_A_CHILD],
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_lesson_refusal_is_one_dialog_naming_file_line_and_field_and_the_lesson_stays(
    qtbot, make_window, tmp_path, monkeypatch, case, mode
):
    good = tmp_path / "good"
    good.mkdir()
    (good / "ports.txt").write_text("Ports\n\nShips left Odesa for Varna and Istanbul.\n", encoding="utf-8")
    (good / "grain.gazette.yaml").write_text(GOOD, encoding="utf-8")
    window = make_window(**({"parse": None} if mode == "process" else {}))
    open_and_wait(qtbot, window, good / "grain.gazette.yaml")
    qtbot.waitUntil(lambda: not window.busy, timeout=5000)
    before = _lesson_state(qtbot, window)
    assert before[0] == "The grain corridor — Gazette [*]" and "Varna" not in {g.place.name for g in window.session.groups.values()}
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    ready: list[bool] = []
    window.mapReady.connect(lambda: ready.append(True))
    path = case.make(tmp_path)
    window.open_paths([path])
    qtbot.waitUntil(lambda: bool(shown) and not window.busy, timeout=30000)
    qtbot.wait(200)  # a second dialog or a wrongly started page load would have come by now
    assert len(shown) == 1, shown
    assert shown[0].startswith(f"Lesson {path}") and __import__("re").search(case.message, shown[0]), shown[0]
    assert "Traceback" not in shown[0] and "Private notes" not in shown[0]
    assert not ready, "a refused lesson reloaded the map"
    assert _lesson_state(qtbot, window) == before


def test_a_correction_names_the_article_only_when_the_lesson_has_several(qtbot, make_window, tmp_path):
    window = make_window()
    open_and_wait(qtbot, window, SAMPLE / "black-sea.gazette.yaml")
    odesa = _group(window, "Odesa")
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.correct(corrections_for(odesa)[-1])
    last = window.session.lesson.corrections[-1]
    assert last == Correction(name="Odesa", article="black-sea-grain-corridor.md", not_a_place=True)


ACCEPTANCE = """\
title: Putin and Kim in the Russian Far East
notes: Two articles, one tour.
articles:
  - path: putin-kim.txt
  - path: black-sea-grain-corridor.md
corrections:
  - {name: Kremlin, not_a_place: true, article: putin-kim.txt}
  - {name: Washington, place_id: "region:US.WA"}
  - {name: Vostochny Cosmodrome, lat: 51.884, lon: 128.334}
tour:
  - {place: Vostochny Cosmodrome, caption: Where the two leaders met}
  - {view: {lat: 45.0, lon: 133.0, zoom: 5}, caption: The Russian Far East}
  - {place: Pyongyang, caption: Kim's capital}
  - {place: Odesa, caption: Grain leaves here}
  - {place: Istanbul, caption: Through the strait}
"""


def test_acceptance_a_hand_written_lesson_loads_presents_and_saves_back(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from tests.support.window import run_page_js

    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    _plain_copy(tmp_path)
    shutil.copy(SAMPLE / "black-sea-grain-corridor.md", tmp_path / "black-sea-grain-corridor.md")
    path = tmp_path / "far-east.gazette.yaml"
    path.write_text(ACCEPTANCE, encoding="utf-8")
    window = make_window()
    open_and_wait(qtbot, window, path)
    lesson = window.session.lesson
    assert len(lesson.articles) == 2 and len(lesson.tour) == 5

    # The corrections: the rejected match, the chosen reading, the moved place.
    by_article = {d.article.id: {m.text: m.place for m in d.mentions} for d in window.docs}
    putin, sample = (by_article[a.id] for a in lesson.articles)
    assert "Kremlin" not in putin and putin["Washington"].id == "region:US.WA"
    assert (putin["Vostochny Cosmodrome"].lat, putin["Vostochny Cosmodrome"].lon) == (51.884, 128.334)

    # Both layers: one toggle each, and switching one off hides its places only.
    toggles = run_page_js(qtbot, window.map_view.page(), "document.querySelectorAll('.gz-article-toggle').length")
    assert toggles == 2
    everything = run_page_js(qtbot, window.map_view.page(), "gazette.shownPlaces().length")
    first_off = run_page_js(qtbot, window.map_view.page(), f"gazette.setArticleShown({lesson.articles[0].id!r}, false), gazette.shownPlaces().length")
    assert 0 < first_off < everything
    run_page_js(qtbot, window.map_view.page(), f"gazette.setArticleShown({lesson.articles[0].id!r}, true)")

    # The five stops in order, the card and the view read after each key.
    def card() -> str:
        return run_page_js(qtbot, window.map_view.page(), "gazette.presentation().card")

    arrived = {"check_params_cb": lambda *view: view[3] >= 0, "timeout": 15000}  # not the full-screen resize
    with qtbot.waitSignal(window.map_view.viewChanged, **arrived) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    views = [tuple(blocker.args)]
    cards = [card()]
    # The stop's own pin is named on the map, large (more than 25 pins: no permanent labels otherwise).
    label = run_page_js(qtbot, window.map_view.page(), "JSON.stringify([...document.querySelectorAll('.leaflet-tooltip-pane .gz-pin-label')]"
                        ".map(n => [n.textContent, parseFloat(getComputedStyle(n).fontSize)]))")  # fmt: skip
    ((name, size),) = __import__("json").loads(label)
    assert name == "Vostochny Cosmodrome" and size >= 20
    for _ in range(4):
        with qtbot.waitSignal(window.map_view.viewChanged, **arrived) as blocker:
            qtbot.keyClick(window, Qt.Key.Key_Right)
        views.append(tuple(blocker.args))
        cards.append(card())
    assert [v[3] for v in views] == [0, 1, 2, 3, 4]
    for n, (stop, text) in enumerate(zip(lesson.tour, cards, strict=True), 1):
        assert f"stop {n} of 5" in text and stop.caption in text
    assert (round(views[0][0], 2), round(views[0][1], 2)) == (51.88, 128.33)  # the moved point
    assert (round(views[1][0], 1), round(views[1][1], 1), views[1][2]) == (45.0, 133.0, 5.0)
    qtbot.keyClick(window, Qt.Key.Key_Escape)

    # Saved back, it loads to the same state.
    copy = tmp_path / "again" / "far-east.gazette.yaml"
    copy.parent.mkdir()
    assert window.lesson_file.save_as(copy)
    back = load_lesson(copy)
    assert (back.title, back.notes, back.corrections, back.tour, back.extra_places) == (
        lesson.title, lesson.notes, lesson.corrections, lesson.tour, lesson.extra_places)
    assert [a.text for a in back.articles] == [a.text for a in lesson.articles]
    again = make_window()
    open_and_wait(qtbot, again, copy)
    assert sorted(again.session.groups) == sorted(window.session.groups)


def test_a_right_click_on_the_map_opens_the_places_menu(qtbot, make_window, tmp_path):
    from PySide6.QtWidgets import QApplication, QMenu

    window = make_window()
    open_and_wait(qtbot, window, _plain_copy(tmp_path))
    washington = _group(window, "Washington")
    window.map_view.page().runJavaScript(
        "(function(){var n=document.querySelector('.gz-pin[data-place-id=\"%s\"]');"
        "n.dispatchEvent(new MouseEvent('contextmenu',{bubbles:true,cancelable:true,clientX:5,clientY:5}));})()" % washington.place.id)

    def menu():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()), None)

    qtbot.waitUntil(lambda: menu() is not None, timeout=10000)
    texts = [a.text() for a in menu().actions()]
    assert "Not a place" in texts and "Search the gazetteer…" in texts
    assert any("pop." in t for t in texts)  # the other readings, with their population
    menu().close()


def test_an_exported_tour_opens_as_its_lesson_and_saving_asks_for_a_file(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    window = make_window()
    open_and_wait(qtbot, window, SAMPLE / "black-sea.gazette.yaml")
    tour = tmp_path / "tour.html"
    assert window.export_to(tour, fmt="html")
    lesson = window.session.lesson
    again = make_window()
    open_and_wait(qtbot, again, tour)
    back = again.session.lesson
    assert (back.title, back.corrections, back.extra_places, back.tour) == (lesson.title, lesson.corrections, lesson.extra_places, lesson.tour)
    assert sorted(again.session.groups) == sorted(window.session.groups)
    target = tmp_path / "again.gazette.yaml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert again.lesson_file.save()  # no lesson file yet: Save asks where
    assert load_lesson(target).tour == lesson.tour


def test_a_marker_dragged_with_the_mouse_moves_the_place_in_the_session_and_the_lesson(qtbot, make_window, tmp_path, monkeypatch):
    from geopy.distance import great_circle

    from tests.support.window import mouse_drag, page_point, run_page_js

    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    window = make_window()
    open_and_wait(qtbot, window, _plain_copy(tmp_path))
    place = _group(window, "Vostochny Cosmodrome").place
    page = window.map_view.page()
    window.map_view.call("focusPlace", place.id)
    pin = f".gz-pin[data-place-id=\"{place.id}\"]"
    qtbot.waitUntil(lambda: run_page_js(qtbot, page, f"!!document.querySelector('.leaflet-popup') && !!document.querySelector('{pin}')"), timeout=10000)
    run_page_js(qtbot, page, "document.querySelector('.leaflet-popup-close-button').click(), true")
    qtbot.wait(300)
    x, y = _js_json(qtbot, page, f"(function(){{var r=document.querySelector('{pin}').getBoundingClientRect(),"
                                    "c=document.querySelector('.leaflet-container').getBoundingClientRect();"
                                    "return [r.left + r.width / 2 - c.left, r.top + r.height / 2 - c.top];})()")  # fmt: skip
    start = page_point(qtbot, window.map_view, x, y)
    end = (start[0] + 90, start[1] + 60)
    expected = tuple(_js_json(qtbot, page, f"gazette.pointAt({x + 90}, {y + 60})"))
    pixel_km = great_circle(expected, tuple(_js_json(qtbot, page, f"gazette.pointAt({x + 91}, {y + 60})"))).km
    with qtbot.waitSignal(window.map_view.placeMoved, timeout=10000) as moved:
        with qtbot.waitSignal(window.mapReady, timeout=30000):
            mouse_drag(qtbot, window.map_view, start, end)
    moved_id, lat, lon = moved.args
    assert moved_id == place.id

    lat_lon = (lat, lon)
    assert great_circle(lat_lon, (place.lat, place.lon)).km > 1  # it really moved
    texts = {m.text: m.place for d in window.docs for m in d.mentions}
    assert (texts["Vostochny Cosmodrome"].lat, texts["Vostochny Cosmodrome"].lon) == (round(lat, 5), round(lon, 5))
    last = window.session.lesson.corrections[-1]
    assert (last.name, last.lat, last.lon) == ("Vostochny Cosmodrome", round(lat, 5), round(lon, 5))
    assert window.isWindowModified()
    # The point is where the mouse let go: within a few pixels, as the map read it before the drag.
    assert great_circle(expected, lat_lon).km <= 3 * pixel_km, (expected, lat_lon)


def _js_json(qtbot, page, script: str):
    import json

    from tests.support.window import run_page_js

    return json.loads(run_page_js(qtbot, page, f"JSON.stringify({script})"))


def test_a_reading_from_the_online_geocoder_is_kept_in_the_lesson_and_reopens_offline(qtbot, make_window, tmp_path, monkeypatch):
    from tests.support.nominatim_server import running_server
    from viewer.placesearch import ONLINE_SOURCE

    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    article = tmp_path / "ports.txt"
    article.write_text("Ports\n\nShips left Odesa for Varna.\n", encoding="utf-8")
    with running_server() as server:
        monkeypatch.setenv("GAZETTE_NOMINATIM", f"http://{server.domain}")
        window = make_window(online=True)
        open_and_wait(qtbot, window, article)
        odesa = _group(window, "Odesa")
        dialog = window.search_reading(odesa.place.id)
        qtbot.waitUntil(lambda: any(ONLINE_SOURCE in dialog.results.item(i).text() for i in range(dialog.results.count())), timeout=10000)
        row = next(i for i in range(dialog.results.count()) if ONLINE_SOURCE in dialog.results.item(i).text())
        dialog.results.setCurrentRow(row)
        with qtbot.waitSignal(window.mapReady, timeout=30000):
            dialog.accept()
        assert [r.params["q"] for r in server.requests] == ["Odesa"]
    last = window.session.lesson.corrections[-1]
    assert (last.name, last.lat, last.lon, last.place_id) == ("Odesa", 46.4825, 30.7233, None)
    texts = {m.text: m.place for d in window.docs for m in d.mentions}
    assert (texts["Odesa"].lat, texts["Odesa"].lon) == (46.4825, 30.7233)
    path = tmp_path / "ports.gazette.yaml"
    assert window.lesson_file.save_as(path)
    monkeypatch.delenv("GAZETTE_NOMINATIM")
    again = make_window()  # offline, the server gone
    open_and_wait(qtbot, again, path)
    texts = {m.text: m.place for d in again.docs for m in d.mentions}
    assert (texts["Odesa"].lat, texts["Odesa"].lon) == (46.4825, 30.7233)
