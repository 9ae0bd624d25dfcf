"""The QtWebEngine adapter: the ``gazette://`` scheme, the request interceptor, the page.

The map page is served from memory at ``gazette://app/map.html``; its assets come from the
repo's ``assets/`` directory at ``gazette://app/assets/...``.  Everything else is blocked
unless the person picked an online basemap, in which case that basemap's tile hosts (and
only those) are let through.  The widget around all this is :class:`viewer.mapview.MapView`.
"""

from __future__ import annotations

__all__ = [
    "APP_URL",
    "PAGE_NAME",
    "SCHEME",
    "InterceptedRequest",
    "RequestInterceptor",
    "SchemeHandler",
    "WebEngine",
    "WebPage",
    "mime_type",
    "qwebchannel_source",
    "register_scheme",
    "resolve_asset",
    "towns_bytes",
]

import mimetypes
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QObject, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from viewer import startup
from viewer.webassets import ASSETS_DIR, TOWNS_PATH

SCHEME = "gazette"
HOST = "app"
PAGE_NAME = "map.html"
APP_URL = QUrl(f"{SCHEME}://{HOST}/{PAGE_NAME}")
QWEBCHANNEL_RESOURCE = ":/qtwebchannel/qwebchannel.js"
LOCAL_SCHEMES = frozenset({SCHEME, "data", "blob", "qrc"})

_MIME_OVERRIDES = {
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".map": "application/json",
}

_registered = False


def register_scheme() -> None:
    """Register ``gazette:`` with QtWebEngine; must run before the QApplication exists."""
    global _registered
    if _registered:
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


def mime_type(path: str) -> str:
    """The MIME type we serve a file with (charset added for text)."""
    suffix = Path(path).suffix.lower()
    mime = _MIME_OVERRIDES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mime.startswith("text/") or mime in ("application/javascript", "application/json"):
        mime += ";charset=utf-8"
    return mime


def resolve_asset(rel: str, *, root: Path = ASSETS_DIR) -> Path | None:
    """The file under ``root`` for a URL path below ``assets/``, or None (traversal, missing)."""
    if not rel or "\\" in rel or "\x00" in rel:
        return None
    parts = rel.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    root = root.resolve()
    try:
        candidate = root.joinpath(*parts).resolve()
    except (OSError, ValueError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def qwebchannel_source() -> str:
    """Qt's ``qwebchannel.js``, from the resources Qt WebChannel ships."""
    file = QFile(QWEBCHANNEL_RESOURCE)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError(f"Qt WebChannel's {QWEBCHANNEL_RESOURCE} is missing")
    try:
        return bytes(file.readAll().data()).decode("utf-8")
    finally:
        file.close()


def towns_bytes() -> bytes:
    """The towns for zoomed-in labels (:func:`viewer.basemapdata.towns_json`), made in a short
    child process so that reading GeoNames' big JSON never grows the window's memory."""
    repo = str(ASSETS_DIR.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])))
    code = "import sys; from viewer.basemapdata import towns_json; sys.stdout.write(towns_json())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=repo, env=env, timeout=120, check=False)
    return done.stdout if done.returncode == 0 else b""


class SchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves ``gazette://app/``: pages held in memory, assets from disk, and data made on
    first request off the GUI thread (``generated``: URL path -> bytes; empty bytes: failed)."""

    _generatedDone = Signal(str, bytes)

    def __init__(
        self,
        *,
        assets_dir: Path = ASSETS_DIR,
        generated: Mapping[str, Callable[[], bytes]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._assets_dir = assets_dir
        self._pages: dict[str, bytes] = {}
        self._cache: dict[Path, bytes] = {}
        self._generators = dict({TOWNS_PATH: towns_bytes} if generated is None else generated)
        self._made: dict[str, bytes] = {}
        self._waiting: dict[str, list[QWebEngineUrlRequestJob]] = {}
        self._generatedDone.connect(self._on_generated)
        self.served: list[str] = []  # URL paths answered, for tests and diagnostics
        self.failed: list[str] = []

    def set_page(self, html: str, *, name: str = PAGE_NAME) -> QUrl:
        """Hold ``html`` in memory and return the URL it is served at."""
        self._pages[name] = html.encode("utf-8")
        return QUrl(f"{SCHEME}://{HOST}/{name}")

    def lookup(self, url_path: str) -> tuple[str, bytes] | None:
        """(mime, body) for a URL path such as ``/assets/js/map.js``, or None when not ours."""
        name = url_path.lstrip("/")
        if name in self._pages:
            return "text/html;charset=utf-8", self._pages[name]
        if name in self._made:
            return mime_type(name), self._made[name]
        if name.startswith("assets/"):
            path = resolve_asset(name[len("assets/"):], root=self._assets_dir)
            if path is None:
                return None
            body = self._cache.get(path)
            if body is None:
                try:
                    body = path.read_bytes()
                except OSError:
                    return None
                self._cache[path] = body
            return mime_type(path.name), body
        return None

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt override)
        url = job.requestUrl()
        if url.host() != HOST or bytes(job.requestMethod().data()) != b"GET":
            self.failed.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        name = url.path().lstrip("/")
        if name in self._generators and name not in self._made:
            self._make(name, job)
            return
        found = self.lookup(url.path())
        if found is None:
            self.failed.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self._reply(job, *found)

    def _reply(self, job: QWebEngineUrlRequestJob, mime: str, body: bytes) -> None:
        self.served.append(job.requestUrl().path())
        buffer = QBuffer(parent=job)  # the job owns it, so it lives as long as the reply
        buffer.setData(QByteArray(body))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buffer)

    def _make(self, name: str, job: QWebEngineUrlRequestJob) -> None:
        waiting = self._waiting.setdefault(name, [])
        waiting.append(job)
        if len(waiting) == 1:
            make = self._generators[name]

            def work() -> None:
                try:
                    body = make()
                except Exception:  # reported to the page as a failed request
                    body = b""
                try:
                    self._generatedDone.emit(name, body)
                except RuntimeError:
                    pass  # the profile, and this handler with it, went away meanwhile

            threading.Thread(target=work, name=f"gazette-{name}", daemon=True).start()

    def _on_generated(self, name: str, body: bytes) -> None:
        if body:
            self._made[name] = body
        for job in self._waiting.pop(name, []):
            if not shiboken6.isValid(job):
                continue  # the page went away meanwhile
            if body:
                self._reply(job, mime_type(name), body)
            else:
                self.failed.append(job.requestUrl().toString())
                job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)


def url_origin(url: QUrl) -> str:
    port = url.port()
    return f"{url.scheme().lower()}://{url.host().lower()}" + (f":{port}" if port != -1 else "")


@dataclass(frozen=True, slots=True)
class InterceptedRequest:
    """One request the page made, and whether we let it through."""

    url: str
    allowed: bool


class RequestInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not local, except the chosen online basemap's tile hosts."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._allowed_origins: frozenset[str] = frozenset()
        self._seen: list[InterceptedRequest] = []

    def set_allowed_origins(self, origins: Iterable[str]) -> None:
        """Origins reachable over http(s), e.g. :func:`tile_origins` of an online basemap."""
        with self._lock:
            self._allowed_origins = frozenset(o.lower() for o in origins)

    def is_allowed(self, url: QUrl) -> bool:
        scheme = url.scheme().lower()
        if scheme in LOCAL_SCHEMES:
            return True
        if scheme in ("http", "https"):
            with self._lock:
                return url_origin(url) in self._allowed_origins
        return False

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt override)
        url = info.requestUrl()
        allowed = self.is_allowed(url)
        if not allowed:
            info.block(True)
        with self._lock:
            self._seen.append(InterceptedRequest(url.toString(), allowed))

    @property
    def seen(self) -> tuple[InterceptedRequest, ...]:
        with self._lock:
            return tuple(self._seen)

    @property
    def blocked(self) -> tuple[str, ...]:
        return tuple(r.url for r in self.seen if not r.allowed)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


class WebPage(QWebEnginePage):
    """A page that stays on ``gazette://app`` and keeps JS console messages for diagnostics."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        if message.startswith(startup.PHASE_PREFIX):
            name, _, at = message[len(startup.PHASE_PREFIX):].rpartition(" ")
            try:
                startup.mark(name, at=float(at))
            except ValueError:
                pass
            return
        self.console.append(f"{source}:{line}: {message}")

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802
        # Links in popups must never replace the map; only our own pages load in the main frame.
        if not is_main_frame:
            return url.scheme() in LOCAL_SCHEMES
        return url.scheme() == SCHEME and url.host() == HOST


def configure_settings(settings: QWebEngineSettings, *, online: bool) -> None:
    """JavaScript on; no file:// access; remote URLs only for an online basemap."""
    attr = QWebEngineSettings.WebAttribute
    settings.setAttribute(attr.JavascriptEnabled, True)
    settings.setAttribute(attr.LocalContentCanAccessFileUrls, False)
    settings.setAttribute(attr.LocalContentCanAccessRemoteUrls, online)
    settings.setAttribute(attr.JavascriptCanOpenWindows, False)
    settings.setAttribute(attr.NavigateOnDropEnabled, False)
    settings.setAttribute(attr.PluginsEnabled, False)
    settings.setAttribute(attr.PdfViewerEnabled, False)
    settings.setAttribute(attr.DnsPrefetchEnabled, False)
    settings.setAttribute(attr.HyperlinkAuditingEnabled, False)
    settings.setAttribute(attr.ErrorPageEnabled, False)


class WebEngine(QObject):
    """One off-the-record profile with our scheme handler and interceptor installed."""

    def __init__(self, *, assets_dir: Path = ASSETS_DIR, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = QWebEngineProfile(self)  # no storage name: off the record, nothing on disk
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self.scheme_handler = SchemeHandler(assets_dir=assets_dir, parent=self)
        self.interceptor = RequestInterceptor(self)
        self.profile.installUrlSchemeHandler(SCHEME.encode(), self.scheme_handler)
        self.profile.setUrlRequestInterceptor(self.interceptor)

    def new_page(self, parent: QObject | None = None) -> WebPage:
        page = WebPage(self.profile, parent)
        configure_settings(page.settings(), online=False)
        return page

    def set_online_origins(self, page: QWebEnginePage, origins: Iterable[str]) -> None:
        """Allow tiles from ``origins`` (empty: fully offline)."""
        origins = frozenset(origins)
        self.interceptor.set_allowed_origins(origins)
        page.settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, bool(origins))
