"""The window's two helper processes and their pipes (framed pickles); no Qt here.

The parse process (:func:`child_main`) reads the files, geoparses and computes the page data
(:func:`viewer.mapbuilder.app_page_data`) — it never imports folium. The page process
(:func:`page_main`) imports folium and renders the window's page shell for a basemap
(:func:`viewer.mapbuilder.app_shell`). At start-up both run beside Qt's start-up and each
other, and :class:`ShellSource` gives the parse job the shell to fill: the page is
``app_shell(basemap).page(app_page_data(docs))``, which is ``map_page(docs)``.
"""

from __future__ import annotations

__all__ = [
    "FrameReader",
    "ParseRequest",
    "ShellSource",
    "child_main",
    "end_process",
    "geoparse_paths",
    "page_main",
    "read_frame",
    "request_sent",
    "start_early",
    "write_frame",
]

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

from places.errors import GazetteError
from places.model import Article, GeoparsedArticle
from viewer import startup
from viewer.basemaps import MapOptions
from viewer.pageshell import PageShell

CHUNK = 1000  # mentions per pickle: unpickling one chunk takes ~10 ms
POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class ParseRequest:
    paths: tuple[str, ...]  # absolute
    online: bool = False

    @classmethod
    def of(cls, paths: Sequence[str | os.PathLike[str]], *, online: bool) -> ParseRequest:
        return cls(tuple(os.path.abspath(p) for p in paths), online)


_sent: dict[int, ParseRequest] = {}  # by process id: the request an early parse process already has
_sent_lock = threading.Lock()


def start_early(paths: Sequence[str | os.PathLike[str]], *, online: bool) -> None:
    """main.py, before Qt: the parse and page processes, and the window's first request at once, so
    that the geoparse runs beside Qt's start-up too; the job that opens ``paths`` adopts it."""
    startup.start_parse_process_early()
    child = startup.early_parse_process()
    if child is None or child.stdin is None:
        return
    request = ParseRequest.of(paths, online=online)
    try:
        write_frame(child.stdin, request)
    except OSError:
        return
    with _sent_lock:
        _sent[child.pid] = request


def request_sent(child: subprocess.Popen) -> ParseRequest | None:
    """The request ``child`` was given by :func:`start_early` (once; None if none)."""
    with _sent_lock:
        return _sent.pop(child.pid, None)


def write_frame(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> object | None:
    """The next pickled value on a blocking stream; None at its end."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    data = stream.read(int.from_bytes(head, "big"))
    return pickle.loads(data)


class FrameReader:
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


def geoparse_paths(
    paths: Sequence[str | Path], parse: Callable[[Article], GeoparsedArticle], *,
    progress: Callable[[int, int, str], object], notes: list[str] | None = None,
) -> Iterator[GeoparsedArticle]:  # fmt: skip
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


# --- the parse process --------------------------------------------------------------------


def child_main() -> None:
    """Entry point of the parse process: framed pickles in on stdin, out on stdout."""
    out = sys.stdout.buffer

    def send(*message: object) -> None:
        write_frame(out, message)

    def phase(name: str) -> None:
        if startup.enabled():
            send("phase", name, time.time())

    def report_index_build(fraction: float, message: str) -> None:
        # The few frames of a first-run build wait in the pipe until a job reads them.
        send("status", f"{message} ({fraction:.0%})")

    from places.geoparse import shared_geoparser

    try:  # warm up while the parent waits for a file: imports and the offline gazetteer
        import viewer.mapbuilder  # noqa: F401  # the page data's code; folium is the page process's

        phase("child: imports done")
        shared_geoparser(online=False, progress=report_index_build)
        phase("child: index loaded")
    except Exception:  # reported properly when the request is served
        pass
    request = read_frame(sys.stdin.buffer)
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
    from viewer.mapbuilder import app_page_data

    geoparser = shared_geoparser(online=request.online, demonyms=True)  # the map shades what demonyms involve
    docs = []
    notes: list[str] = []
    for doc in geoparse_paths(request.paths, geoparser.parse, progress=lambda *done_total_name: send("progress", *done_total_name), notes=notes):
        docs.append(doc)
        send("article", doc.article)
        for start in range(0, len(doc.mentions), CHUNK):
            send("mentions", doc.mentions[start : start + CHUNK])
        send("end-article")
    phase("child: geoparse done")
    send("parsed", geoparser.notice, " · ".join(notes))
    options = read_frame(sys.stdin.buffer)  # the window's map options as of now
    if not isinstance(options, MapOptions):
        return
    data = app_page_data(docs, basemap=options.basemap, connections=options.connections)
    phase("child: page data built")
    send("data", data)


# --- the page process ---------------------------------------------------------------------


def page_main() -> None:
    """Entry point of the page process: a basemap name in, ("shell", PageShell) or ("error", message) out."""
    out = sys.stdout.buffer
    try:
        from viewer.lazyimport import cheap_folium_import

        cheap_folium_import()  # folium and our elements, without what a shell never uses
        from viewer.mapbuilder import app_shell
    except Exception as err:  # the job renders the shell itself and reports properly
        write_frame(out, ("bug", type(err).__name__))
        return
    from viewer.basemaps import OFFLINE

    startup.mark("page process: imports done")
    made: dict[str, object] = {}
    try:  # the default basemap's before it is asked for: the window's request comes once it is shown
        made[OFFLINE] = ("shell", OFFLINE, app_shell(basemap=OFFLINE))
    except GazetteError as err:
        made[OFFLINE] = ("error", OFFLINE, str(err))
    startup.mark("page process: shell built")
    while True:
        basemap = read_frame(sys.stdin.buffer)
        if not isinstance(basemap, str):
            return
        if basemap not in made:
            try:
                made[basemap] = ("shell", basemap, app_shell(basemap=basemap))
            except GazetteError as err:
                made[basemap] = ("error", basemap, str(err))
        write_frame(out, made[basemap])


def end_process(process: subprocess.Popen) -> None:
    """Kill ``process`` if it still runs, reap it and close our ends of its pipes."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            try:
                stream.close()
            except BrokenPipeError:
                pass


class ShellSource:
    """The window's page shells by basemap: the page process's while it runs, else rendered here.

    Thread-safe (parse jobs run in their own threads); a shell, once made, is kept for the session."""

    def __init__(self, spawn: Callable[[], subprocess.Popen | None]) -> None:
        self._spawn = spawn
        self._lock = threading.Lock()
        self._shells: dict[str, PageShell] = {}
        self._asked: set[str] = set()
        self._process: subprocess.Popen | None = None
        self._reader: FrameReader | None = None

    def prestart(self) -> None:
        """Start the page process now (if no shell is made yet), so that folium's import overlaps other work."""
        with self._lock:
            if not self._shells and self._process is None:
                self._process = self._spawn()
                self._reader = FrameReader(self._process.stdout) if self._process is not None else None

    def request(self, basemap: str) -> None:
        """Have the page process start on ``basemap``'s shell (no wait)."""
        with self._lock:
            if basemap in self._shells or basemap in self._asked or self._process is None:
                return
            try:
                assert self._process.stdin is not None
                write_frame(self._process.stdin, basemap)
                self._asked.add(basemap)
            except OSError:
                self._stop_locked()

    def get(self, basemap: str, *, cancelled: Callable[[], bool]) -> PageShell | None:
        """``basemap``'s shell (None when ``cancelled()`` turned true while waiting); GazetteError if it cannot be made."""
        self.request(basemap)
        shell = self._sent(basemap, give_up=cancelled)
        if shell is not None or cancelled():
            return shell
        from viewer.mapbuilder import app_shell

        shell = app_shell(basemap=basemap)  # no page process: folium here, in the job's thread
        with self._lock:
            return self._shells.setdefault(basemap, shell)

    def made(self, basemap: str, *, timeout: float) -> PageShell | None:
        """``basemap``'s shell if it is made or the page process sends it within ``timeout`` seconds;
        never rendered here (the window's first page: a waiting page rather than folium on the GUI thread)."""
        self.prestart()
        self.request(basemap)
        deadline = time.monotonic() + timeout
        try:
            return self._sent(basemap, give_up=lambda: time.monotonic() > deadline)
        except GazetteError:  # reported when the job asks for it
            return None

    def _sent(self, basemap: str, *, give_up: Callable[[], bool]) -> PageShell | None:
        """``basemap``'s shell once the page process has sent it (None: not asked of it, or ``give_up()``)."""
        with self._lock:
            while basemap not in self._shells and basemap in self._asked and self._process is not None:
                if give_up():
                    return None
                self._receive_locked()
            return self._shells.get(basemap)

    def _receive_locked(self) -> None:
        assert self._reader is not None
        frame = self._reader.next(timeout=POLL_S)
        if frame is None:
            return
        message = pickle.loads(frame) if frame else ("bug", "")
        if message[0] == "bug":  # ended or failed: the rest is rendered in this process
            self._stop_locked()
            return
        self._asked.discard(message[1])
        if message[0] == "error":
            raise GazetteError(message[2])
        self._shells[message[1]] = message[2]
        if not self._asked:
            self._stop_locked()  # its one job is done: its memory goes back

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        process, self._process, self._reader = self._process, None, None
        self._asked.clear()
        if process is not None:
            end_process(process)
