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


# Pixels of the offline basemap's land colour (map.js LAND, #f6f3ec) on its canvas (basemap.js),
# every 7th pixel sampled: the land was really painted, not just added.
LAND_PIXELS_JS = """(() => {
  const c = document.querySelector('.leaflet-gzBasemap-pane canvas');
  if (!c) return -1;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 28) if (d[i] === 246 && d[i + 1] === 243 && d[i + 2] === 236) n++;
  return n;
})()"""


def land_pixels(qtbot, page_or_window) -> int:
    """How many sampled pixels of the basemap canvas are land (-1: no canvas)."""
    page = getattr(getattr(page_or_window, "map_view", None), "web_page", page_or_window)
    return int(run_page_js(qtbot, page, LAND_PIXELS_JS))
