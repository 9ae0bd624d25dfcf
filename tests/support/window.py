"""Helpers for driving the main window and the map view in tests."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript

from viewer.window import MainWindow


@dataclass(frozen=True)
class LoopRun:
    """How the GUI event loop turned while an open ran: a 10 ms timer's ticks and the GUI thread's CPU."""

    seconds: float
    ticks: tuple[float, ...]
    gaps: tuple[float, ...]  # between ticks, sorted
    gui_cpu: float

    def gap(self, quantile: float) -> float:
        return self.gaps[int(len(self.gaps) * quantile)]


def event_loop_while_opening(qtbot, window: MainWindow, path: Path) -> LoopRun:
    """Open ``path`` and wait for the job to end, ticking a 10 ms timer meanwhile (the test runs on the GUI thread)."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    # What the earlier tests of this process left is collected and set aside first: late in a whole run the
    # collector's walks over those objects (a 0.7 s stall once) are no part of the open's work on the GUI thread.
    gc.collect()
    gc.freeze()
    try:
        timer.start()
        started = time.perf_counter()
        gui_cpu_before = time.thread_time()
        window.open_paths([path])
        qtbot.waitUntil(lambda: not window.busy, timeout=600000)
        seconds = time.perf_counter() - started
        gui_cpu = time.thread_time() - gui_cpu_before
        timer.stop()
    finally:
        gc.unfreeze()
    gaps = tuple(sorted(b - a for a, b in zip(ticks, ticks[1:])))
    return LoopRun(seconds, tuple(ticks), gaps, gui_cpu)


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


def page_point(qtbot, view, x: float, y: float) -> tuple[int, int]:
    """The widget position of the map container's point (x, y) (the page's own pixels: zoom 1, offscreen)."""
    import json

    script = "JSON.stringify((function(){var r=document.querySelector('.leaflet-container').getBoundingClientRect();return [r.left, r.top];})())"
    left, top = json.loads(run_page_js(qtbot, view.page(), script))
    return round(left + x), round(top + y)


def mouse_drag(qtbot, view, start: tuple[int, int], end: tuple[int, int], *, steps: int = 10) -> None:
    """A real drag with the left button: press, ``steps`` moves, release, sent to the page's render widget."""
    from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    target = view.focusProxy()

    def send(kind: QEvent.Type, x: float, y: float, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        local = QPointF(x, y)
        event = QMouseEvent(kind, local, QPointF(target.mapToGlobal(QPoint(round(x), round(y)))), button, buttons,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
        QApplication.sendEvent(target, event)
        qtbot.wait(30)  # one frame: Leaflet moves the marker on animation frames

    left = Qt.MouseButton.LeftButton
    send(QEvent.Type.MouseMove, *start, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    send(QEvent.Type.MouseButtonPress, *start, left, left)
    for n in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * n / steps
        y = start[1] + (end[1] - start[1]) * n / steps
        send(QEvent.Type.MouseMove, x, y, Qt.MouseButton.NoButton, left)
    send(QEvent.Type.MouseButtonRelease, *end, left, Qt.MouseButton.NoButton)


def mouse_click(qtbot, view, at: tuple[int, int]) -> None:
    """A real left click (press and release, no move) on the page's render widget."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    target = view.focusProxy()
    QTest.mouseMove(target, QPoint(*at))
    qtbot.wait(30)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*at))


def page_value(qtbot, window: MainWindow, expression: str, *, timeout: int = 5000):
    """The value of ``expression`` in the window's map page, passed through JSON (arrays and objects intact)."""
    import json

    return json.loads(run_page_js(qtbot, window.map_view.web_page, f"JSON.stringify({expression})", timeout=timeout))


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
