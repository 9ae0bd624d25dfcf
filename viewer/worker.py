"""Geoparsing off the GUI thread: load + parse each file in a QThread, report progress.

The window keeps its previous map until a job succeeds; a cancelled job's result is dropped
(the parse itself cannot be interrupted mid-article, so the thread finishes in the background).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from places.errors import GazetteError
from places.model import GeoparsedArticle

log = logging.getLogger(__name__)

ParseOne = Callable[[Path], GeoparsedArticle]

_geoparser = None
_geoparser_lock = threading.Lock()


def default_parse_one(*, online: bool = False) -> ParseOne:
    """load_article + the default geoparser (built once, lazily, in the worker thread)."""

    def parse_one(path: Path) -> GeoparsedArticle:
        from places.articles import load_article

        article = load_article(path)
        return _shared_geoparser(online=online).parse(article)

    return parse_one


def _shared_geoparser(*, online: bool):
    global _geoparser
    with _geoparser_lock:
        if online:
            from places.geoparse import Geoparser
            from places.online import online_geocoder

            return Geoparser(fallback=online_geocoder())
        if _geoparser is None:
            from places.geoparse import default_geoparser

            _geoparser = default_geoparser()
        return _geoparser


Render = Callable[[Sequence[GeoparsedArticle]], str]


class ParseJob(QThread):
    """Parses ``paths`` in order, then renders the map page from them (both off the GUI thread).

    Emits ``succeeded((docs, page_html))`` or ``failed(message)``; ``page_html`` is "" without ``render``.
    """

    progressed = Signal(int, int, str)
    """(files done, files in total, name of the file being read)."""
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self, paths: Sequence[Path], *, parse_one: ParseOne, render: Render | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.paths = tuple(paths)
        self._parse_one = parse_one
        self._render = render
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop; it emits nothing more once cancelled."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        docs: list[GeoparsedArticle] = []
        total = len(self.paths)
        try:
            for done, path in enumerate(self.paths):
                if self._cancel.is_set():
                    return
                self.progressed.emit(done, total, path.name)
                docs.append(self._parse_one(path))
            page = self._render(docs) if self._render is not None and not self._cancel.is_set() else ""
        except GazetteError as err:
            if not self._cancel.is_set():
                self.failed.emit(str(err))
            return
        except Exception as err:  # a bug must not kill the window; show it and keep the old map
            log.exception("geoparsing %s failed", self.paths)
            if not self._cancel.is_set():
                self.failed.emit(f"Could not read the article: unexpected error ({type(err).__name__}).")
            return
        if not self._cancel.is_set():
            self.progressed.emit(total, total, "")
            self.succeeded.emit((tuple(docs), page))
