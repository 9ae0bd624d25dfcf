"""Helpers for driving the main window and the map view in tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript

from viewer.window import MainWindow


def open_and_wait(qtbot, window: MainWindow, *paths: Path, timeout: int = 60000) -> None:
    """Open ``paths`` in ``window`` and wait until the new map has done its ready handshake."""
    with qtbot.waitSignal(window.mapReady, timeout=timeout):
        window.open_paths(paths)


def inject_before_page_scripts(page: QWebEnginePage, name: str, source: str, *, subframes: bool = False) -> None:
    """Run ``source`` in every document ``page`` loads, before any of the page's own scripts."""
    script = QWebEngineScript()
    script.setName(name)
    script.setSourceCode(source)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(subframes)
    page.scripts().insert(script)


def run_page_js(qtbot, page: QWebEnginePage, script: str, *, timeout: int = 5000):
    """The value of ``script`` run in ``page`` (waits for it)."""
    box: dict[str, object] = {}
    page.runJavaScript(script, 0, lambda value: box.setdefault("value", value))
    qtbot.waitUntil(lambda: "value" in box, timeout=timeout)
    return box["value"]


# A page of our own with the map.js contract faked: a pin that sends a click, a gazette object
# that records focusPlace calls, a remote image (to be blocked). No channel scripts: MapView adds them.
TINY_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<div data-place-id="geonames:1" id="pin" style="width:50px;height:50px">pin</div>
<img src="https://tile.example.org/1/2/3.png">
<script>
window.gazette = {
  focused: [],
  focusPlace: function (id) { window.gazette.focused.push(id); },
  ready: true,
};
document.getElementById("pin").addEventListener("click", function () {
  window.gazetteBridge.send({type: "place-clicked", id: this.dataset.placeId});
});
document.dispatchEvent(new CustomEvent("gazette:ready"));
</script></body></html>"""


def page_value(qtbot, window: MainWindow, expression: str, *, timeout: int = 5000):
    """The value of ``expression`` in the window's map page, passed through JSON (arrays and objects intact)."""
    import json

    return json.loads(run_page_js(qtbot, window.map_view.web_page, f"JSON.stringify({expression})", timeout=timeout))
