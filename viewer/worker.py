"""Geoparsing off the GUI thread: sources -> geoparse -> the map page, with progress and cancel.

By default the work runs in a child Python process: the geoparser's regex and JSON work
holds the GIL for long stretches on big articles, which would stall the window even from a
thread.  The child reads the files with :func:`places.sources.load_sources` (absolute paths,
so the folder the person typed them in does not matter), parses with
:func:`places.geoparse.shared_geoparser`, sends the docs back in small pickled chunks (so
that unpickling never holds the GIL for long either), and then the page data
(:func:`viewer.mapbuilder.app_page_data`, no folium) for the map options the window has *at
that moment*: a basemap change during a parse costs nothing.  The job fills the basemap's page
shell with it, which the page process renders meanwhile (:mod:`viewer.parseprocess`): the page
is what :func:`viewer.mapbuilder.map_page` makes.  Cancel kills the child.  With an injected
``parse`` (tests, embedding) the same steps run in the job's own QThread.
"""

from __future__ import annotations

__all__ = ["ParseJob", "ParseResult", "child_main", "first_shell", "geoparse_paths", "prestart_child", "stop_spare_child"]

import atexit
import logging
import os
import pickle
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from places.errors import GazetteError
from places.model import Article, GeoparsedArticle, Mention
from viewer import startup
from viewer.basemaps import MapOptions
from viewer.pageshell import PageShell
from viewer.parseprocess import (POLL_S, FrameReader, ParseRequest, ShellSource, child_main, end_process, geoparse_paths,
                                 request_sent, write_frame)
from viewer.streaming import PartialFeed, PartialResult

log = logging.getLogger(__name__)

Parse = Callable[[Article], GeoparsedArticle]
BUG_MESSAGE = "Could not read the article: unexpected error ({})."
_shells = ShellSource(lambda: startup.take_early_page_process() or startup.spawn_page_process())


@dataclass(frozen=True, slots=True)
class ParseResult:
    docs: tuple[GeoparsedArticle, ...]
    page: str
    options: MapOptions  # what the page was built with
    notice: str = ""  # e.g. "online look-ups unavailable, using the offline gazetteer"
    unreadable: str = ""  # "2 of 40 files could not be read: …" (the window shows it in a dialog)


class ParseJob(QThread):
    """Parses the articles of ``paths``, then builds their map page, off the GUI thread.

    Emits ``succeeded(ParseResult)`` or ``failed(message)``; after :meth:`cancel`, nothing.
    """

    progressed = Signal(int, int, str)
    """(articles done, articles in total, name of the one being read)."""
    statusChanged = Signal(str)
    """A line for the status bar about slow preparation, e.g. the first-run index build."""
    succeeded = Signal(object)
    failed = Signal(str)
    partial = Signal(object)
    """A :class:`viewer.streaming.PartialResult`: the map of the articles parsed so far (a folder streams)."""

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        options: MapOptions = MapOptions(),
        online: bool = False,
        parse: Parse | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = tuple(Path(os.path.abspath(p)) for p in paths)
        self.online = online
        self._parse = parse
        self._options = options
        self._lock = threading.Lock()
        self._cancel = threading.Event()

    def set_options(self, options: MapOptions) -> None:
        """The map options for the page; those current when parsing ends are used."""
        with self._lock:
            self._options = options

    def options(self) -> MapOptions:
        with self._lock:
            return self._options

    def cancel(self) -> None:
        """Stop: the child process is killed; a thread parse finishes but is ignored."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._run_here() if self._parse is not None else self._run_child()
        except GazetteError as err:
            if not self._cancel.is_set():
                self.failed.emit(str(err))
            return
        except Exception as err:  # a bug must not kill the window; show it and keep the old map
            log.exception("geoparsing %s failed", self.paths)
            if not self._cancel.is_set():
                self.failed.emit(BUG_MESSAGE.format(type(err).__name__))
            return
        if result is not None and not self._cancel.is_set():
            self.succeeded.emit(result)

    def _emit_partial(self, result: PartialResult) -> None:
        if not self._cancel.is_set():
            self.partial.emit(result)

    def _run_here(self) -> ParseResult | None:
        from viewer.mapbuilder import map_page

        assert self._parse is not None
        docs: list[GeoparsedArticle] = []
        notes: list[str] = []  # "2 of 40 files could not be read: …"
        feed = PartialFeed(self.options, self._emit_partial)

        def progress(done: int, total: int, name: str) -> None:
            feed.total = total
            self.progressed.emit(done, total, name)

        for doc in geoparse_paths(self.paths, self._parse, progress=progress, notes=notes):
            if self._cancel.is_set():
                return None
            docs.append(doc)
            feed.add(docs)
        if self._cancel.is_set():
            return None
        options = self.options()
        page = map_page(docs, basemap=options.basemap, connections=options.connections)
        return ParseResult(tuple(docs), page, options, unreadable=" · ".join(notes))

    def _run_child(self) -> ParseResult | None:
        request = ParseRequest.of(self.paths, online=self.online)
        child = _take_child()
        sent = request_sent(child)
        if sent is not None and sent != request:  # main.py's guess was another open: not this child
            end_process(child)
            child, sent = _spawn_child(), None
        assert child.stdin is not None and child.stdout is not None
        reader = FrameReader(child.stdout)
        docs: list[GeoparsedArticle] = []
        article: Article | None = None
        mentions: list[Mention] = []
        options = self.options()
        notice = unreadable = ""
        feed = PartialFeed(self.options, self._emit_partial)
        _shells.request(options.basemap)  # the page process renders the shell while the child parses
        try:
            if sent is None:
                write_frame(child.stdin, request)
            while True:
                if self._cancel.is_set():
                    return None
                frame = reader.next(timeout=POLL_S)
                if frame is None:
                    continue
                if frame == b"":
                    err = child.stderr.read().decode("utf-8", "replace")[-2000:] if child.stderr else ""
                    raise RuntimeError(f"parse process ended early (exit {child.wait()}): {err}")
                kind, *payload = pickle.loads(frame)
                if kind == "progress":
                    self.progressed.emit(*payload)
                    feed.total = payload[1]
                elif kind == "status":
                    self.statusChanged.emit(payload[0])
                elif kind == "phase":
                    startup.mark(payload[0], at=payload[1])
                elif kind == "article":
                    article, mentions = payload[0], []
                elif kind == "mentions":
                    mentions.extend(payload[0])
                elif kind == "end-article":
                    assert article is not None
                    docs.append(GeoparsedArticle(article, tuple(mentions)))
                    article, mentions = None, []
                    feed.add(docs)
                elif kind == "parsed":
                    notice, unreadable = (*payload, "", "")[:2]
                    options = self.options()
                    _shells.request(options.basemap)
                    write_frame(child.stdin, options)
                elif kind == "data":  # the page data; the page is the basemap's shell filled with it
                    shell = _shells.get(options.basemap, cancelled=self._cancel.is_set)
                    if shell is None:
                        return None
                    startup.mark("window: page received")
                    return ParseResult(tuple(docs), shell.page(payload[0]), options, notice, unreadable)
                elif kind == "error":
                    raise GazetteError(payload[0])
                elif kind == "bug":
                    log.error("parse process failed: %s", payload[1])
                    raise GazetteError(BUG_MESSAGE.format(payload[0]))
        finally:
            _end_in_background(child)
            if not self._cancel.is_set():
                _prestart_later()  # warm for the next open, once this one's page is built


def _end_in_background(child: subprocess.Popen) -> None:
    """Kill ``child`` now and reap it on a thread: waiting for the kernel to take down a process
    holding the index took 10-40 ms, between the page data's arrival and the window's showing it."""
    if child.poll() is None:
        child.kill()
    threading.Thread(target=end_process, args=(child,), name="gazette-reap", daemon=True).start()


SPARE_DELAY_S = 2.0  # the next open's parse process starts this long after an open's data came
_spare: subprocess.Popen | None = None
_spare_timer: threading.Timer | None = None
_spare_lock = threading.Lock()


def _spawn_child() -> subprocess.Popen:
    return startup.take_early_parse_process() or startup.spawn_parse_process()


def first_shell(basemap: str, *, timeout: float) -> PageShell | None:
    """The page process's shell for ``basemap`` if it comes within ``timeout`` s (the window's first page)."""
    return _shells.made(basemap, timeout=timeout)


def prestart_child() -> None:
    """Start a parse process (and, before the first page, the page process) now so that their
    imports overlap other start-up work."""
    global _spare
    _shells.prestart()
    with _spare_lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _spawn_child()


def _prestart_later() -> None:
    """:func:`prestart_child` in a little while: its imports and index load would otherwise take CPU
    from the page being built (two cores: the window, the page's renderer and this child)."""
    global _spare_timer
    timer = threading.Timer(SPARE_DELAY_S, prestart_child)
    timer.daemon = True
    with _spare_lock:
        if _spare_timer is not None:
            _spare_timer.cancel()
        _spare_timer = timer
    timer.start()


def _take_child() -> subprocess.Popen:
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    if child is None or child.poll() is not None:
        child = _spawn_child()
    return child


@atexit.register
def stop_spare_child() -> None:
    """Kill the idle parse process, if any (at exit, or when the last window closes)."""
    global _spare, _spare_timer
    with _spare_lock:
        child, _spare = _spare, None
        if _spare_timer is not None:
            _spare_timer.cancel()
            _spare_timer = None
    if child is not None:
        end_process(child)
    _shells.stop()
