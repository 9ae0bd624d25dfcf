"""Headless PNG of a standalone map page, in an offscreen QWebEngineView.

Works from the CLI with no QApplication yet (one is created after the environment and the
gazette:// scheme are set up) and inside the running app (the view is never shown on screen).
"""

from __future__ import annotations

__all__ = ["render_png"]

import json
import time
from pathlib import Path

from places.errors import SaveError

LOAD_TIMEOUT_S = 60.0
SETTLE_S = 0.4
SNAPSHOT_CLASS = "gz-snapshot"  # on <html> while a picture is taken (assets/css/map.css)


def render_png(html: str, path: Path, *, size: tuple[int, int] = (1280, 800)) -> None:
    """Render ``html`` at ``size`` (CSS pixels) and save it to ``path`` as PNG, atomically."""
    from viewer.qtenv import application, save_widget_png, wait_for

    width, height = size
    if not (16 <= width <= 10000 and 16 <= height <= 10000):
        raise SaveError(f"Image size {width}x{height} is out of range (16 to 10000 pixels a side).")
    application()
    from PySide6.QtCore import Qt
    from PySide6.QtWebEngineWidgets import QWebEngineView

    import shiboken6

    from viewer.webengine import WebEngine

    engine = WebEngine()
    view = QWebEngineView()
    try:
        page = engine.new_page(view)
        view.setPage(page)
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.resize(width, height)
        view.show()
        loaded: list[bool] = []
        page.loadFinished.connect(loaded.append)
        view.setUrl(engine.scheme_handler.set_page(html, name="snapshot.html"))
        if not wait_for(lambda: bool(loaded), timeout_s=LOAD_TIMEOUT_S) or not loaded[0]:
            raise SaveError(f"Could not render {path.name}: the map page did not load.")
        ready: list[object] = []

        def poll() -> bool:
            page.runJavaScript("!!(window.gazette && window.gazette.ready)", 0, ready.append)
            wait_for(lambda: bool(ready), timeout_s=2.0)
            return bool(ready and ready.pop())

        # A page without our map script is drawn as soon as it has loaded.
        has_map: list[object] = []
        page.runJavaScript("typeof window.gazette", 0, has_map.append)
        wait_for(lambda: bool(has_map), timeout_s=5.0)
        if has_map and has_map[0] == "object":
            if not wait_for(poll, timeout_s=LOAD_TIMEOUT_S):
                raise SaveError(f"Could not render {path.name}: the map did not finish drawing.")
        # A picture shows the map, not the page's notices (e.g. "tiles unavailable": map.css hides them).
        page.runJavaScript(f"document.documentElement.classList.add({json.dumps(SNAPSHOT_CLASS)})", 0)
        end = time.monotonic() + SETTLE_S
        wait_for(lambda: time.monotonic() > end, timeout_s=SETTLE_S + 1)
        save_widget_png(view, Path(path))
    finally:
        view.hide()
        shiboken6.delete(view)  # the page goes before its profile
        shiboken6.delete(engine)
