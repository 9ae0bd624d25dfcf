"""viewer.mapview: the web view, page, channel and bridge as one widget, on a tiny page of our own."""

from __future__ import annotations

import json

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
