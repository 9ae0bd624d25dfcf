"""Geoparsing off the GUI thread: sources -> geoparse -> the map page, with progress and cancel.

By default the work runs in a child Python process: the geoparser's regex and JSON work
holds the GIL for long stretches on big articles, which would stall the window even from a
thread.  The child reads the files with :func:`places.sources.load_sources` (absolute paths,
so the folder the person typed them in does not matter), parses with
:func:`places.geoparse.shared_geoparser`, sends the docs back in small pickled chunks (so
that unpickling never holds the GIL for long either), and then builds the page with
:func:`viewer.mapbuilder.map_page` using the map options the window has *at that moment*:
a basemap change during a parse costs nothing.  Cancel kills the child.  With an injected
``parse`` (tests, embedding) the same steps run in the job's own QThread.
"""

from __future__ import annotations

__all__ = ["ParseJob", "ParseResult", "child_main", "geoparse_paths", "prestart_child", "stop_spare_child"]

import atexit
import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QObject, QThread, Signal

from places.errors import GazetteError
from places.model import Article, GeoparsedArticle, Mention
from viewer import startup
from viewer.basemaps import MapOptions
from viewer.streaming import PartialFeed, PartialResult

log = logging.getLogger(__name__)

Parse = Callable[[Article], GeoparsedArticle]
CHUNK = 1000  # mentions per pickle: unpickling one chunk takes ~10 ms
POLL_S = 0.05
BUG_MESSAGE = "Could not read the article: unexpected error ({})."


@dataclass(frozen=True, slots=True)
class ParseRequest:
    paths: tuple[str, ...]  # absolute
    online: bool = False


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
        child = _take_child()
        assert child.stdin is not None and child.stdout is not None
        reader = _FrameReader(child.stdout)
        docs: list[GeoparsedArticle] = []
        article: Article | None = None
        mentions: list[Mention] = []
        options = self.options()
        notice = unreadable = ""
        feed = PartialFeed(self.options, self._emit_partial)
        try:
            _write_frame(child.stdin, ParseRequest(tuple(str(p) for p in self.paths), self.online))
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
                    _write_frame(child.stdin, options)
                elif kind == "page":
                    startup.mark("window: page received")
                    return ParseResult(tuple(docs), payload[0], options, notice, unreadable)
                elif kind == "error":
                    raise GazetteError(payload[0])
                elif kind == "bug":
                    log.error("parse process failed: %s", payload[1])
                    raise GazetteError(BUG_MESSAGE.format(payload[0]))
        finally:
            _end_child(child)
            if not self._cancel.is_set():
                prestart_child()  # warm for the next open


def geoparse_paths(
    paths: Sequence[str | Path], parse: Parse, *, progress: Callable[[int, int, str], object], notes: list[str] | None = None
) -> Iterator[GeoparsedArticle]:
    """The articles of ``paths`` (absolute) geoparsed one by one; ``progress(done, total, name)`` before each.

    Of many files, those that cannot be read are left out and summed up in ``notes``."""
    from places.sources import open_sources

    sources = open_sources(paths)
    articles = sources.articles
    if notes is not None and sources.summary:
        notes.append(sources.summary)
    for done, article in enumerate(articles):
        progress(done, len(articles), Path(article.source).name if article.source else article.title)
        yield parse(article)


def _write_frame(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _read_frame(stream: BinaryIO) -> object | None:
    """The next pickled value on a blocking stream; None at its end."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    data = stream.read(int.from_bytes(head, "big"))
    return pickle.loads(data)


_spare: subprocess.Popen | None = None
_spare_lock = threading.Lock()


def _spawn_child() -> subprocess.Popen:
    return startup.take_early_parse_process() or startup.spawn_parse_process()


def prestart_child() -> None:
    """Start a parse process now so that its imports overlap other start-up work."""
    global _spare
    with _spare_lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _spawn_child()


def _take_child() -> subprocess.Popen:
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    if child is None or child.poll() is not None:
        child = _spawn_child()
    return child


def _end_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.kill()
    child.wait(timeout=10)
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None and not stream.closed:
            try:
                stream.close()
            except BrokenPipeError:
                pass


@atexit.register
def stop_spare_child() -> None:
    """Kill the idle parse process, if any (at exit, or when the last window closes)."""
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    if child is not None:
        _end_child(child)


class _FrameReader:
    """Length-prefixed frames from a pipe, with a timeout so that cancel is noticed."""

    def __init__(self, stream) -> None:
        self._fd = stream.fileno()
        self._buffer = bytearray()

    def next(self, *, timeout: float) -> bytes | None:
        """The next frame, b"" at end of stream, or None when nothing complete arrived in time."""
        while True:
            if len(self._buffer) >= 8:
                size = int.from_bytes(self._buffer[:8], "big")
                if len(self._buffer) >= 8 + size:
                    frame = bytes(self._buffer[8 : 8 + size])
                    del self._buffer[: 8 + size]
                    return frame
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                return b""
            self._buffer += chunk


def child_main() -> None:
    """Entry point of the parse process: framed pickles in on stdin, out on stdout."""
    out = sys.stdout.buffer

    def send(*message: object) -> None:
        _write_frame(out, message)

    def phase(name: str) -> None:
        if startup.enabled():
            send("phase", name, time.time())

    def report_index_build(fraction: float, message: str) -> None:
        # The few frames of a first-run build wait in the pipe until a job reads them.
        send("status", f"{message} ({fraction:.0%})")

    from places.geoparse import shared_geoparser

    try:  # warm up while the parent waits for a file: imports and the offline gazetteer
        import viewer.mapbuilder  # noqa: F401

        phase("child: imports done")
        shared_geoparser(online=False, progress=report_index_build)
        phase("child: index loaded")
    except Exception:  # reported properly when the request is served
        pass
    request = _read_frame(sys.stdin.buffer)
    if not isinstance(request, ParseRequest):
        return  # the parent exited or no longer needs us
    try:
        _serve(request, send, phase)
    except GazetteError as err:
        send("error", str(err))
    except Exception as err:  # reported to the parent, which shows a plain message
        import traceback

        send("bug", type(err).__name__, traceback.format_exc())


def _serve(request: ParseRequest, send: Callable[..., None], phase: Callable[[str], None]) -> None:
    from places.geoparse import shared_geoparser
    from viewer.mapbuilder import map_page

    geoparser = shared_geoparser(online=request.online, demonyms=True)  # the map shades what demonyms involve
    parse = geoparser.parse
    docs = []
    notes: list[str] = []
    for doc in geoparse_paths(request.paths, parse, progress=lambda *done_total_name: send("progress", *done_total_name), notes=notes):
        docs.append(doc)
        send("article", doc.article)
        for start in range(0, len(doc.mentions), CHUNK):
            send("mentions", doc.mentions[start : start + CHUNK])
        send("end-article")
    phase("child: geoparse done")
    send("parsed", geoparser.notice, " · ".join(notes))
    options = _read_frame(sys.stdin.buffer)  # the window's map options as of now
    if not isinstance(options, MapOptions):
        return
    page = map_page(docs, basemap=options.basemap, connections=options.connections)
    phase("child: page built")
    send("page", page)
