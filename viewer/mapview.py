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
from viewer.pageshell import PageShell
from viewer.webengine import WebEngine, WebPage, qwebchannel_source

CHANNEL_SCRIPT_NAME = "gazette-channel"
WAITING_NAME = "waiting.html"
WAITING_TITLE = "Gazette"
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

    def __init__(self, parent: QWidget | None = None, *, shell: PageShell | None = None) -> None:
        """``shell``: the first page's shell, loaded at once (its data is merged in when
        :meth:`load_page` is given that shell filled); else a waiting page of the map's colour."""
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
        self.bridge.waiting.connect(self._on_shell_waiting)
        self.bridge.placeClicked.connect(self.placeClicked)
        self.bridge.basemapFallback.connect(self.basemapFallback)
        self.bridge.placeMoved.connect(self.placeMoved)
        self.bridge.placeMenuRequested.connect(self.placeMenuRequested)
        self.bridge.viewChanged.connect(self.viewChanged)
        self.loadFinished.connect(lambda ok: startup.mark(f"window: loadFinished ({'ok' if ok else 'failed'})"))
        self._serial = 0
        self._partial = False
        self._pending: tuple[str, bool] | None = None
        self._shell: PageShell | None = shell  # the waiting shell on screen, until its data comes
        self._shell_loaded = False
        self._shell_waiting = False  # the shell's map.js asked for its data (it may still be loading)
        self._provide: tuple[str, str] | None = None  # (script, page): its data, come before the shell asked
        # Start the page's renderer now, while the first article is still being read: on the
        # shell, which decodes the world meanwhile, or on a sea-coloured page (the map's background).
        if shell is not None:
            self.loadFinished.connect(self._on_shell_loaded)
            self.setUrl(self.engine.scheme_handler.set_page(shell.waiting_page(WAITING_TITLE)))
            startup.mark("window: shell load started")
        else:
            self.setUrl(self.engine.scheme_handler.set_page(WAITING_PAGE, name=WAITING_NAME))
        self._load_started = 0.0
        self.last_load_seconds: float | None = None
        """Seconds from :meth:`load_page` to the last ready handshake."""

    @property
    def is_ready(self) -> bool:
        return self.bridge.is_ready

    def is_loading(self) -> bool:
        """The waiting shell is still loading (its requests want the event loop)."""
        return self._shell is not None and not self._shell_loaded

    def load_page(self, html: str, *, known_ids: Iterable[str], origins: Iterable[str] = (), partial: bool = False) -> None:
        """Show ``html``; clicks are accepted for ``known_ids``; tiles only from ``origins``.

        ``partial``: a page that more data will be merged into (:meth:`update`); ``ready`` waits for the final merge.
        """
        self._partial = partial
        self._pending = None
        self.bridge.reset()
        self.bridge.set_known_ids(known_ids)
        self.engine.set_online_origins(self.web_page, origins)
        self._load_started = time.perf_counter()
        shell, self._shell = self._shell, None
        data = shell.data_of(html) if shell is not None else None
        if data is not None:  # the waiting shell's own page: its data into it, the page is as if loaded
            args = ",".join(json.dumps(a) for a in (data.title, data.data_json, self.width(), self.height()))
            self._provide = (f"void gazette.provide({args})", html)
            if self._shell_waiting or self._shell_loaded:
                self._run_provide()
            return
        self._provide = None
        self._navigate(html)

    def _navigate(self, html: str) -> None:
        self._serial += 1
        url = self.engine.scheme_handler.set_page(html)
        url.setQuery(f"v={self._serial}")  # a new navigation even when the HTML is unchanged
        startup.mark("window: page load started")
        self.setUrl(url)

    def _on_shell_waiting(self) -> None:
        # Sooner than loadFinished (which waits for the page's load event and comes ~0.1 s after
        # its world is decoded): the document is ours and committed, so runJavaScript reaches it.
        if self._shell_waiting or (self._shell is None and self._provide is None):
            return  # not a waiting shell on screen, or asked already
        self._shell_waiting = True
        if self._provide is not None:
            self._run_provide()

    def _on_shell_loaded(self, ok: bool) -> None:
        self.loadFinished.disconnect(self._on_shell_loaded)
        self._shell_loaded = ok
        if self._provide is None:
            return
        if ok:
            self._run_provide()
        else:  # the shell did not load: the page the ordinary way
            _script, html = self._provide
            self._provide = None
            self._navigate(html)

    def _run_provide(self) -> None:
        assert self._provide is not None
        (script, _html), self._provide = self._provide, None
        startup.mark("window: page data provided")
        self.web_page.runJavaScript(script, 0)

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
