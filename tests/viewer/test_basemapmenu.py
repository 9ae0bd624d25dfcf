"""viewer.basemapmenu: View › Basemap and a tile failure mid-session, against a real tile server on 127.0.0.1."""

from __future__ import annotations

import json
import threading

from PySide6.QtGui import QColor, QImage

from tests.conftest import shared_path
from tests.support.tile_server import TILE_RGB, tile_server
from tests.support.window import land_pixels, open_and_wait, page_value
from viewer.basemapmenu import FALLBACK_NOTICE
from viewer.streaming import page_data_json

SEED = ("articles", "putin-kim-vostochny.txt")
LEAFLET_MAP = "window[Object.keys(window).find(k => { try { return window[k] instanceof L.Map; } catch (e) { return false; } })]"
VIEW = f"(() => {{ const m = {LEAFLET_MAP}; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }})()"
POPUPS = "[...document.querySelectorAll('.leaflet-popup-content [data-place-id]')].map(n => n.dataset.placeId)"
TILES_SHOWN = "document.querySelectorAll('img.leaflet-tile-loaded').length"
NOTICE_RGB = (0xFF, 0xF4, 0xD6)  # .gz-notice's background (assets/css/map.css)
LAND_RGB = (0xF6, 0xF3, 0xEC)  # map.js LAND


def pixels_of(image: QImage, rgb: tuple[int, int, int], *, step: int = 3) -> int:
    wanted = QColor(*rgb).rgb()
    return sum(image.pixel(x, y) == wanted for x in range(0, image.width(), step) for y in range(0, image.height(), step))


def test_a_tile_failure_mid_session_keeps_view_and_selection_and_exports_what_is_on_screen(qtbot, make_window, tmp_path):
    with tile_server() as server:
        window = make_window(basemap=server.template)
        open_and_wait(qtbot, window, shared_path(*SEED))
        qtbot.waitUntil(lambda: page_value(qtbot, window, TILES_SHOWN) > 4, timeout=10000)
        assert land_pixels(qtbot, window) == -1  # the tiles are the basemap: no offline canvas
        pyongyang = next(g.place.id for g in window.session.groups.values() if g.place.name == "Pyongyang")
        window.places.select_place(pyongyang)
        qtbot.waitUntil(lambda: page_value(qtbot, window, POPUPS) == [pyongyang], timeout=8000)
        url = window.map_view.url().toString()
        reloads: list[bool] = []
        window.mapReady.connect(lambda: reloads.append(True))

        server.fail()  # the network goes; the reader zooms in, and the new tiles fail
        page_value(qtbot, window, f"(() => {{ {LEAFLET_MAP}.setZoom(6, {{animate: false}}); return 1; }})()")
        view = page_value(qtbot, window, VIEW)
        qtbot.waitUntil(lambda: FALLBACK_NOTICE in window.status_label.text(), timeout=10000)
        qtbot.wait(300)

        # The menu, the window's basemap and the screen agree; the view and the selection are the reader's.
        assert window.basemap == "offline" and window.basemap_actions["offline"].isChecked()
        assert land_pixels(qtbot, window) > 1000 and page_value(qtbot, window, TILES_SHOWN) == 0
        assert page_value(qtbot, window, VIEW) == view and view[2] == 6
        assert page_value(qtbot, window, POPUPS) == [pyongyang]
        assert window.places.selected_place_ids() == [pyongyang] and "Pyongyang" in window.excerpts.text()
        assert window.map_view.url().toString() == url and not reloads  # the same page, not a new one
        assert pixels_of(window.map_view.grab().toImage(), NOTICE_RGB) > 100  # the notice is on screen

        refused = server.refused
        html = tmp_path / "after.html"
        assert window.export_to(html, fmt="html")
        assert str(server.port) not in html.read_text(encoding="utf-8")
        assert "offline" in json.loads(page_data_json(html.read_text(encoding="utf-8")))["basemap"]
        shown = tmp_path / "shown.png"
        assert window.export_to(shown, fmt="png")  # the current view, as on screen
        image = QImage(str(shown))
        assert pixels_of(image, NOTICE_RGB) == 0 and pixels_of(image, LAND_RGB) > 1000
        sized = tmp_path / "sized.png"
        assert window.export_to(sized, fmt="png", size=(640, 400))  # rendered anew: on the offline map
        image = QImage(str(sized))
        assert pixels_of(image, LAND_RGB) > 500 and pixels_of(image, TILE_RGB) == 0 and pixels_of(image, NOTICE_RGB) == 0
        assert pixels_of(window.map_view.grab().toImage(), NOTICE_RGB) > 100  # back on screen after the grab

        with qtbot.waitSignal(window.mapReady, timeout=20000):
            window.set_connections(True)  # a redraw: on the offline map, the failed tiles not tried again
        assert land_pixels(qtbot, window) > 1000
        assert server.refused == refused and FALLBACK_NOTICE in window.status_label.text()

        window.set_basemap(server.template)  # choosing the tiles again tries them again
        assert window.basemap == server.template and FALLBACK_NOTICE not in window.status_label.text()
        qtbot.waitUntil(lambda: FALLBACK_NOTICE in window.status_label.text(), timeout=15000)
        assert server.refused > refused and window.basemap == "offline"


def test_the_menu_ticks_the_basemap_chosen(qtbot, make_window):
    window = make_window()
    assert window.basemap_actions["offline"].isChecked()
    other = next(name for name in window.basemap_actions if name != "offline")
    window.basemap_actions[other].trigger()
    assert window.basemap == other and window.basemap_actions[other].isChecked()
    assert not window.basemap_actions["offline"].isChecked()
    assert window.basemap_menu.notice == ""


def test_a_tile_failure_while_a_folder_streams_in_keeps_the_view(qtbot, make_window, parse, tmp_path):
    folder = tmp_path / "week"
    folder.mkdir()
    for i, text in enumerate(("Ships left Vladivostok for Pyongyang.", "Talks in Moscow went on.", "Officials met in Seoul.")):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    gate = threading.Event()

    def slow(article):  # noqa: ANN001, ANN202
        if article.source.endswith("2.txt"):
            gate.wait(60)
        return parse(article)

    with tile_server() as server:
        window = make_window(basemap=server.template, parse=slow)
        try:
            window.open_paths([folder])
            qtbot.waitUntil(lambda: window.map_view.is_ready and page_value(qtbot, window, TILES_SHOWN) > 4, timeout=20000)
            assert window.busy  # the folder is still streaming in
            url = window.map_view.url().toString()
            server.fail()
            # The reader zooms in (a wheel over the map), and the new tiles fail.
            zoom_in = "m.getContainer().dispatchEvent(new WheelEvent('wheel')); m.setView([39.0, 125.7], 6, {animate: false});"
            page_value(qtbot, window, f"(() => {{ const m = {LEAFLET_MAP}; {zoom_in} return 1; }})()")
            qtbot.waitUntil(lambda: FALLBACK_NOTICE in window.status_label.text(), timeout=10000)
            view = page_value(qtbot, window, VIEW)
            with qtbot.waitSignal(window.mapReady, timeout=30000):
                gate.set()
        finally:
            gate.set()
        # The rest of the folder merged into the page on screen: its view, no new page, all places.
        assert page_value(qtbot, window, VIEW) == view and view[2] == 6
        assert window.map_view.url().toString() == url
        assert window.basemap == "offline" and window.basemap_actions["offline"].isChecked()
        assert land_pixels(qtbot, window) > 1000 and page_value(qtbot, window, TILES_SHOWN) == 0
        assert sorted(page_value(qtbot, window, "gazette.places()")) == sorted(window.session.groups)
        assert {g.place.name for g in window.session.groups.values()} >= {"Pyongyang", "Moscow", "Seoul"}
