"""viewer.mapview: the web view, page, channel and bridge as one widget, on a tiny page of our own."""

from __future__ import annotations

import json

import pytest

from tests.support.window import TINY_PAGE
from tests.support.window import run_page_js as run_js
from viewer.mapview import MapView
from viewer.webengine import APP_URL


def test_page_assets_and_handshake(qtbot, tiny):
    served = tiny.engine.scheme_handler.served
    assert "/map.html" in served and "/qwebchannel.js" not in served  # injected, never fetched
    assert tiny.is_ready and tiny.last_load_seconds is not None
    assert tiny.web_page.url().toString().split("?")[0] == APP_URL.toString()
    assert "qwebchannel" not in TINY_PAGE and "bridge.js" not in TINY_PAGE


def test_real_click_reaches_python_signal(qtbot, tiny):
    with qtbot.waitSignal(tiny.placeClicked, timeout=5000) as blocker:
        run_js(qtbot, tiny.web_page, "document.getElementById('pin').dispatchEvent(new MouseEvent('click', {bubbles: true})); 1")
    assert blocker.args == ["geonames:1"]


def test_unknown_ids_and_bad_messages_are_rejected(qtbot, tiny):
    page, bridge = tiny.web_page, tiny.bridge
    clicked = []
    tiny.placeClicked.connect(clicked.append)
    with qtbot.waitSignal(bridge.rejected, timeout=5000):
        run_js(qtbot, page, "window.gazetteBridge.send({type: 'place-clicked', id: 'geonames:999'}); 1")
    with qtbot.waitSignal(bridge.rejected, timeout=5000):
        run_js(qtbot, page, "window.gazetteBridge.send({type: 'eval', code: 'x'}); 1")
    with qtbot.waitSignal(bridge.rejected, timeout=5000):
        run_js(qtbot, page, "window.gazetteBridge.send({type: 'place-clicked', id: 'x'.repeat(5000)}); 1")
    assert clicked == []


def test_python_call_reaches_js_with_json_arguments(qtbot, tiny):
    hostile = "geo\"');alert(1)//</script>\u2028"
    tiny.call("focusPlace", hostile)
    qtbot.waitUntil(lambda: run_js(qtbot, tiny.web_page, "window.gazette.focused.length") == 1, timeout=5000)
    assert run_js(qtbot, tiny.web_page, "window.gazette.focused[0]") == hostile


def test_a_call_made_while_a_page_loads_runs_after_its_handshake(qtbot):
    view = MapView()
    try:
        view.load_page(TINY_PAGE, known_ids=["geonames:1"])
        assert not view.is_ready
        view.call("focusPlace", "geonames:1")  # queued: the page is not up yet
        with qtbot.waitSignal(view.ready, timeout=15000):
            pass
        qtbot.waitUntil(lambda: run_js(qtbot, view.web_page, "JSON.stringify(window.gazette.focused)") == '["geonames:1"]', timeout=5000)
    finally:
        view.dispose()


def test_every_page_gets_the_channel_again(qtbot, tiny):
    with qtbot.waitSignal(tiny.ready, timeout=15000):
        tiny.load_page(TINY_PAGE.replace("pin</div>", "pin 2</div>"), known_ids=["geonames:1"])
    assert json.loads(run_js(qtbot, tiny.web_page, "JSON.stringify([typeof QWebChannel, typeof window.gazetteBridge])")) == [
        "function",
        "object",
    ]


def _shown(qtbot, view: MapView) -> list:
    """What the map page draws: its view, size, title, data, places, shapes and pins."""
    return json.loads(run_js(qtbot, view.web_page, """JSON.stringify([gazette.presentation(), window.innerWidth, window.innerHeight,
        document.title, gazette.places(),
        document.getElementById('gz-data').textContent,
        document.querySelectorAll('path.leaflet-interactive').length,
        Array.from(document.querySelectorAll('.leaflet-marker-icon, .leaflet-tooltip, .gz-country-label'),
                   n => n.className + '@' + n.style.transform + ':' + n.textContent)])"""))


def test_a_shell_loaded_before_its_data_draws_the_page_loaded_whole(qtbot):
    from tests.support.grain import grain_doc
    from viewer.mapbuilder import app_page_data, app_shell

    shell = app_shell()
    page = shell.page(app_page_data([grain_doc()]))
    known = [place["id"] for place in json.loads(shell.data_of(page).data_json)["places"]]
    primed, whole = MapView(shell=shell), MapView()
    try:
        primed.resize(500, 400)
        primed.show()
        qtbot.waitUntil(lambda: not primed.is_loading(), timeout=15000)
        assert not primed.is_ready  # a waiting shell sends no "ready"
        primed.resize(800, 560)  # the window lays out after the shell loaded: the first view fits the new size
        with qtbot.waitSignal(primed.ready, timeout=15000):
            primed.load_page(page, known_ids=known)
        assert primed.engine.scheme_handler.served.count("/map.html") == 1  # its data came in, no second load
        whole.resize(800, 560)
        whole.show()
        with qtbot.waitSignal(whole.ready, timeout=15000):
            whole.load_page(page, known_ids=known)
        (primed_view, *primed_drawn), (whole_view, *whole_drawn) = _shown(qtbot, primed), _shown(qtbot, whole)
        assert primed_drawn == whole_drawn  # size, title, data, places, shapes, pins and labels where they are
        # The same view; Leaflet's own late resize check makes the primed map work its centre out
        # from pixels again, which may differ from the fitted centre by less than a pixel.
        assert primed_view["zoom"] == whole_view["zoom"]
        assert primed_view["lat"] == pytest.approx(whole_view["lat"], abs=0.2)
        assert primed_view["lon"] == pytest.approx(whole_view["lon"], abs=0.2)
        qtbot.wait(500)  # both past the basemap's settle timer, as the app's screenshot waits
        assert primed.grab().toImage() == whole.grab().toImage()
    finally:
        primed.dispose()
        whole.dispose()


def test_a_waiting_shell_takes_its_data_when_it_asks_not_once_it_loaded(qtbot):
    from tests.support.grain import grain_doc
    from viewer.mapbuilder import app_page_data, app_shell

    shell = app_shell()
    page = shell.page(app_page_data([grain_doc()]))
    known = [place["id"] for place in json.loads(shell.data_of(page).data_json)["places"]]
    view = MapView(shell=shell)
    loaded_when_provided: list[bool] = []
    provide = view._run_provide

    def spy() -> None:
        loaded_when_provided.append(view._shell_loaded)
        provide()

    view._run_provide = spy  # type: ignore[method-assign]
    try:
        view.resize(800, 560)
        view.show()
        with qtbot.waitSignal(view.ready, timeout=15000):
            view.load_page(page, known_ids=known)  # the data before the page asked for it
        # It went in on the page's "waiting" (its world decoded), not on loadFinished (its load event).
        assert loaded_when_provided == [False]
        assert view.engine.scheme_handler.served.count("/map.html") == 1
        assert sorted(json.loads(run_js(qtbot, view.web_page, "JSON.stringify(gazette.places())"))) == sorted(known)
    finally:
        view.dispose()


def test_a_waiting_shell_builds_once_resized_to_the_size_it_was_given_not_on_any_resize(qtbot):
    from tests.support.grain import grain_doc
    from viewer.mapbuilder import app_page_data, app_shell

    shell = app_shell()
    data = app_page_data([grain_doc()])
    view = MapView(shell=shell)
    try:
        view.resize(500, 400)
        view.show()
        qtbot.waitUntil(lambda: not view.is_loading(), timeout=15000)
        args = ",".join(json.dumps(a) for a in (data.title, data.data_json, 640, 480))
        # A resize that is not to the size given (here: none at all) does not build the map.
        assert run_js(qtbot, view.web_page, f"gazette.provide({args}); window.dispatchEvent(new Event('resize')); gazette.ready") is False
        view.resize(640, 480)
        qtbot.waitUntil(lambda: run_js(qtbot, view.web_page, "gazette.ready") is True, timeout=5000)
        assert json.loads(run_js(qtbot, view.web_page, "JSON.stringify([window.innerWidth, window.innerHeight])")) == [640, 480]
    finally:
        view.dispose()


def test_a_shell_given_another_page_loads_it_the_ordinary_way(qtbot):
    from viewer.mapbuilder import app_shell

    view = MapView(shell=app_shell())
    try:
        view.load_page(TINY_PAGE, known_ids=["geonames:1"])  # before the shell even finished loading
        with qtbot.waitSignal(view.ready, timeout=15000):
            pass
        assert view.web_page.url().query() == "v=1"
        assert run_js(qtbot, view.web_page, "document.getElementById('pin').textContent") == "pin"
    finally:
        view.dispose()
