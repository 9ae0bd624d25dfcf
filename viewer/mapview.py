"""The map widget: web view, page, channel and bridge as one (Anki's ``AnkiWebView`` is the model).

Pages know nothing of Qt (:mod:`viewer.mapbuilder`): this widget injects Qt's
``qwebchannel.js`` and our ``assets/js/bridge.js`` into every page it loads, with a
:class:`QWebEngineScript` that runs before the page's own scripts. Python calls JS only
through :meth:`MapView.call`, which waits for the page's "ready" handshake.
"""

from __future__ import annotations

__all__ = ["MapView"]

import json
import time
from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from viewer import startup, webassets
from viewer.bridge import Bridge
from viewer.webengine import WebEngine, WebPage, qwebchannel_source

CHANNEL_SCRIPT_NAME = "gazette-channel"
WAITING_NAME = "waiting.html"
WAITING_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    '<title>Gazette</title></head><body style="margin:0;background:#cfe0ea"></body></html>'
)


class MapView(QWebEngineView):
    """Shows map pages at ``gazette://app/map.html`` and talks to them through one bridge."""

    ready = Signal()
    """The current page drew its map and the bridge handshake is done."""
    placeClicked = Signal(str)
    basemapFallback = Signal(str, str)
    placeMoved = Signal(str, float, float)
    placeMenuRequested = Signal(str)
    viewChanged = Signal(float, float, float, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(False)  # drops go to the window, which opens the files
        self.engine = WebEngine()  # not our child: the page must go before its profile (dispose)
        self.web_page: WebPage = self.engine.new_page(self)
        self.setPage(self.web_page)
        startup.mark("window: web view created")
        self.bridge = Bridge(lambda script: self.web_page.runJavaScript(script, 0), parent=self)
        self.channel = QWebChannel(self.web_page)
        self.channel.registerObject("bridge", self.bridge)
        self.web_page.setWebChannel(self.channel)
        self.web_page.scripts().insert(_channel_script())
        self.bridge.ready.connect(self._on_ready)
        self.bridge.placeClicked.connect(self.placeClicked)
        self.bridge.basemapFallback.connect(self.basemapFallback)
        self.bridge.placeMoved.connect(self.placeMoved)
        self.bridge.placeMenuRequested.connect(self.placeMenuRequested)
        self.bridge.viewChanged.connect(self.viewChanged)
        self.loadFinished.connect(lambda ok: startup.mark(f"window: loadFinished ({'ok' if ok else 'failed'})"))
        self._serial = 0
        self._partial = False
        self._pending: tuple[str, bool] | None = None
        # Start the page's renderer now, while the first article is still being read, on a
        # sea-coloured page of our own (the map's background) rather than a white one.
        self.setUrl(self.engine.scheme_handler.set_page(WAITING_PAGE, name=WAITING_NAME))
        self._load_started = 0.0
        self.last_load_seconds: float | None = None
        """Seconds from :meth:`load_page` to the last ready handshake."""

    @property
    def is_ready(self) -> bool:
        return self.bridge.is_ready

    def load_page(self, html: str, *, known_ids: Iterable[str], origins: Iterable[str] = (), partial: bool = False) -> None:
        """Show ``html``; clicks are accepted for ``known_ids``; tiles only from ``origins``.

        ``partial``: a page that more data will be merged into (:meth:`update`); ``ready`` waits for the final merge.
        """
        self._partial = partial
        self._pending = None
        self.bridge.reset()
        self.bridge.set_known_ids(known_ids)
        self.engine.set_online_origins(self.web_page, origins)
        self._serial += 1
        url = self.engine.scheme_handler.set_page(html)
        url.setQuery(f"v={self._serial}")  # a new navigation even when the HTML is unchanged
        self._load_started = time.perf_counter()
        startup.mark("window: page load started")
        self.setUrl(url)

    def call(self, fn_name: str, *args: object) -> str:
        """Call ``gazette.<fn_name>(*args)`` in the page, once it is ready (see :class:`Bridge`)."""
        return self.bridge.call(fn_name, *args)

    def update(self, data_json: str, *, known_ids: Iterable[str], final: bool) -> None:
        """Merge page data (``map_data`` as JSON) into the page shown, keeping its view (``gazette.update``);
        ``final``: the last merge, after which ``ready`` is emitted."""
        self.bridge.set_known_ids(known_ids)
        # void: the result is null, never a bool (PySide over-releases bool results; tests/support/pyside_refs.py).
        self._pending = ("void gazette.update(" + json.dumps(data_json) + ")", final)
        if self.is_ready:
            self._run_pending()

    def _run_pending(self) -> None:
        assert self._pending is not None
        (script, final), self._pending = self._pending, None
        if final:
            self._partial = False
        self.web_page.runJavaScript(script, 0, (lambda _value: self._on_ready()) if final else (lambda _value: None))

    def _on_ready(self) -> None:
        if self._pending is not None:  # a merge waited for the page: the merge's end is the page's ready
            self._run_pending()
            return
        startup.mark("window: ready handshake")
        self.last_load_seconds = time.perf_counter() - self._load_started
        if not self._partial:
            self.ready.emit()

    def dispose(self) -> None:
        """Delete the widget (and its page), then the profile: the order QtWebEngine needs."""
        engine = self.engine
        if shiboken6.isValid(self):
            shiboken6.delete(self)
        if shiboken6.isValid(engine):
            shiboken6.delete(engine)


def _channel_script() -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName(CHANNEL_SCRIPT_NAME)
    script.setSourceCode(qwebchannel_source() + "\n" + webassets.read_text(webassets.BRIDGE_JS))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script
