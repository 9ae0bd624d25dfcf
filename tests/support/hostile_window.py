"""Checks on the window's page with hostile articles open: nothing ran, nothing was injected, no dialog.

Used by tests/viewer/test_window.py's hostile-corpus tests.
"""

from __future__ import annotations

import json

import pytest

from tests.support.hostile import SENTINEL_JS
from tests.support.window import inject_before_page_scripts
from viewer.window import MainWindow

INJECTED_JS = """(() => {
  const found = [];
  for (const node of document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick],iframe,textarea,img[src="x"],a[href^="javascript:"]')) {
    found.push(node.outerHTML.slice(0, 120));
  }
  for (const s of document.querySelectorAll('style')) {
    if (s.textContent.includes('display:none}')) found.push('style: ' + s.textContent.slice(0, 120));
  }
  return JSON.stringify(found);
})()"""


def run_js(qtbot, window: MainWindow, script: str):
    box: dict[str, object] = {}
    window.map_view.web_page.runJavaScript(script, 0, lambda value: box.setdefault("value", value))
    qtbot.waitUntil(lambda: "value" in box, timeout=5000)
    value = box["value"]
    assert not isinstance(value, bool), "return strings from page scripts (see click_on_map)"
    return value


# Injected by QtWebEngine before any page script: a payload's alert/confirm/prompt is recorded
# instead of opening a modal dialog (which would block the test).  A Python QTimer watching for
# dialogs is not an option: PySide6 6.12 over-releases None/True in such callbacks and the
# interpreter aborts at exit.
DIALOG_TRAP_JS = """(() => {
  const seen = [];
  Object.defineProperty(window, '__gazette_dialogs', { value: seen });
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = function (...args) { seen.push(name + ': ' + args.map(String).join(' ')); return null; };
  }
})();"""


def trap_dialogs(window: MainWindow) -> None:
    inject_before_page_scripts(window.map_view.web_page, "gazette-test-dialog-trap", DIALOG_TRAP_JS, subframes=True)


def dialogs_seen(qtbot, window: MainWindow) -> list[str]:
    return json.loads(run_js(qtbot, window, "JSON.stringify(window.__gazette_dialogs || ['trap missing'])"))


def click_on_map(qtbot, window: MainWindow, place_id: str) -> bool:
    """Dispatch a real DOM click on the place's marker or country shape; True if one was there."""
    selector = json.dumps(f'.leaflet-marker-icon[data-place-id="{place_id}"], path[data-place-id="{place_id}"]')
    script = (
        f"(() => {{ const el = document.querySelector({selector}); if (!el) return 'absent';"
        " for (const type of ['mouseover', 'mousedown', 'mouseup', 'click'])"
        "   el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));"
        " return 'clicked'; })()"
    )
    # A string, not a JS boolean: PySide6's runJavaScript callback over-releases Python's True/False,
    # and after enough of them the interpreter aborts at exit ("bool_dealloc").
    return run_js(qtbot, window, script) == "clicked"


def popup_text(qtbot, window: MainWindow, place_id: str) -> str | None:
    script = (
        f"(() => {{ const n = document.querySelector('.leaflet-popup-content [data-place-id=' + {json.dumps(json.dumps(place_id))} + ']');"
        " return JSON.stringify(n ? n.textContent : null); })()"
    )
    # JSON, because a JS null may come back from runJavaScript as an empty string.
    return json.loads(run_js(qtbot, window, script))


def wait_popup(qtbot, window: MainWindow, place_id: str, *, after: str) -> str:
    """The text of the place's open popup, once it is open."""
    seen: list[str | None] = [None]

    def is_open() -> bool:
        seen[0] = popup_text(qtbot, window, place_id)
        return seen[0] is not None

    try:
        qtbot.waitUntil(is_open, timeout=8000)
    except qtbot.TimeoutError:
        state = run_js(qtbot, window, "JSON.stringify([window.gazette && window.gazette.ready,"
                       " [...document.querySelectorAll('.leaflet-popup [data-place-id]')].map(n => n.dataset.placeId),"
                       " document.visibilityState, (() => { const k = Object.keys(window).find(k => { try { return window[k] instanceof L.Map; } catch (e) { return false; } });"
                       " const m = k && window[k]; return m ? [m.getZoom(), m.getCenter()] : k; })()])")
        pytest.fail(f"no popup for {window.session.groups[place_id].place.name} ({place_id}) after {after};"
                    f" page: {state}")
    return seen[0] or ""


def assert_nothing_ran(qtbot, window: MainWindow) -> None:
    assert run_js(qtbot, window, f"JSON.stringify({SENTINEL_JS})") == "[]"
    assert json.loads(run_js(qtbot, window, INJECTED_JS)) == []
    assert dialogs_seen(qtbot, window) == []
