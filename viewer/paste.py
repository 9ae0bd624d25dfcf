"""Edit › Paste Article (Ctrl+V) and drops: files and folders, text from a browser, links.

Pasted or dropped text becomes an Article (:func:`places.sources.pasted_article`), kept as a clip
under the cache folder and opened like a file, so it takes the same ParseJob path as everything
else.  A dropped link is fetched only when online look-ups are on (:func:`places.fetch.fetch_article`,
off the GUI thread) and then opened the same way; otherwise the status bar says so.
"""

from __future__ import annotations

__all__ = ["LINKS_NEED_ONLINE", "Clipper", "FetchJob"]

from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QThread, QUrl, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from places.errors import GazetteError
from places.model import Article
from places.sources import pasted_article, save_clip
from places.storage import user_cache_dir

LINKS_NEED_ONLINE = "Links are fetched only with online look-ups on (start Gazette with --online); drop a saved page instead."
NOTICE_MS = 15000


class FetchJob(QThread):
    """Fetches one link off the GUI thread: ``fetched(Article)`` or ``failed(message)``."""

    fetched = Signal(object)
    failed = Signal(str)

    def __init__(self, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url

    def run(self) -> None:
        from places.fetch import fetch_article  # http.client and the page reader: only once a link is dropped

        try:
            article = fetch_article(self.url)
        except GazetteError as err:
            self.failed.emit(str(err))
            return
        self.fetched.emit(article)


class Clipper(QObject):
    """Turns clipboard contents and drops into opens of the window."""

    def __init__(self, window: QMainWindow, *, menu: QMenu, clip_folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.clip_folder = clip_folder
        self.paste_action = menu.addAction("&Paste Article", QKeySequence.StandardKey.Paste, self.paste)
        self.paste_action.setToolTip("Open the text (or link) on the clipboard as an article")
        self.fetches: set[FetchJob] = set()

    @property
    def folder(self) -> Path:
        return self.clip_folder or user_cache_dir() / "clips"

    def paste(self) -> bool:
        return self.take(QApplication.clipboard().mimeData())

    def accepts(self, mime: QMimeData) -> bool:
        """Whether a drag carries something this can open."""
        return bool(_local_paths(mime) or _web_urls(mime) or (mime.hasText() and mime.text().strip()))

    def take(self, mime: QMimeData | None) -> bool:
        """Open what ``mime`` carries: files and folders, else a link, else its text. False when nothing."""
        if mime is None:
            return False
        paths = _local_paths(mime)
        if paths:
            self.window.open_paths(paths)  # type: ignore[attr-defined]
            return True
        urls = _web_urls(mime)
        if urls:
            self.fetch(urls[0])
            return True
        if mime.hasText() and mime.text().strip():
            self.open_text(mime.text())
            return True
        return False

    def open_text(self, text: str) -> None:
        """Open ``text`` as an article (a single link in it is fetched as a dropped link would be)."""
        from places.fetch import is_web_url

        if is_web_url(text.strip()) and not any(c.isspace() for c in text.strip()):
            self.fetch(text.strip())
            return
        try:
            article = pasted_article(text)
            self.open_article(article)
        except GazetteError as err:
            self.window.show_error(str(err))  # type: ignore[attr-defined]

    def open_article(self, article: Article) -> None:
        self.window.open_paths([save_clip(article, self.folder)])  # type: ignore[attr-defined]

    def fetch(self, url: str) -> FetchJob | None:
        if not self.window.online:  # type: ignore[attr-defined]
            self.window.statusBar().showMessage(LINKS_NEED_ONLINE, NOTICE_MS)
            return None
        job = FetchJob(url, parent=self)
        job.fetched.connect(self._on_fetched)
        job.failed.connect(self.window.show_error)  # type: ignore[attr-defined]
        job.finished.connect(lambda job=job: self.fetches.discard(job))
        job.finished.connect(job.deleteLater)
        self.fetches.add(job)
        self.window.statusBar().showMessage(f"Fetching {url[:120]}…", NOTICE_MS)
        job.start()
        return job

    def _on_fetched(self, article: Article) -> None:
        self.window.statusBar().clearMessage()
        try:
            self.open_article(article)
        except GazetteError as err:
            self.window.show_error(str(err))  # type: ignore[attr-defined]

    def wait(self) -> None:
        """Let running fetches end (their deadline bounds this)."""
        for job in list(self.fetches):
            job.wait(10000)


def _local_paths(mime: QMimeData) -> list[str]:
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []


def _web_urls(mime: QMimeData) -> list[str]:
    if not mime.hasUrls():
        return []
    from places.fetch import is_web_url

    return [bytes(u.toEncoded()).decode("ascii", "replace") for u in mime.urls() if is_web_url(u.toString())]
