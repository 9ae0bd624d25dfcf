"""Geoparsing off the GUI thread: load + parse + render the map page, with progress and cancel.

By default the work runs in a child Python process (:class:`ProcessParse`): the geoparser's regex and
JSON work holds the GIL for long stretches on big articles, which would stall the window even
from a thread.  The result comes back in small pickled chunks so that unpickling never holds
the GIL for long either.  Cancel terminates the child.  With an injected ``parse_one`` (tests,
embedding) the work runs in the job's own QThread instead.  Either way the window keeps its
previous map until a job succeeds.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from places.errors import GazetteError
from places.model import Article, GeoparsedArticle, Mention

log = logging.getLogger(__name__)

ParseOne = Callable[[Path], GeoparsedArticle]
Render = Callable[[Sequence[GeoparsedArticle]], str]
CHUNK = 1000  # mentions per pickle: unpickling one chunk takes ~10 ms
POLL_S = 0.05
BUG_MESSAGE = "Could not read the article: unexpected error ({})."


@dataclass(frozen=True, slots=True)
class ProcessParse:
    """Parse and render in a child process with these options."""

    online: bool = False
    basemap: str = "offline"
    connections: bool = False


class ParseJob(QThread):
    """Parses ``paths`` in order, then renders the map page from them, off the GUI thread.

    Emits ``succeeded((docs, page_html))`` or ``failed(message)``; ``page_html`` is "" when
    there is no renderer.  After :meth:`cancel` it emits nothing more.
    """

    progressed = Signal(int, int, str)
    """(files done, files in total, name of the file being read)."""
    statusChanged = Signal(str)
    """A line for the status bar about slow preparation, e.g. the first-run index build."""
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        parse_one: ParseOne | None = None,
        render: Render | None = None,
        process: ProcessParse | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if (parse_one is None) == (process is None):
            raise ValueError("give exactly one of parse_one and process")
        self.paths = tuple(paths)
        self._parse_one = parse_one
        self._render = render
        self._process = process
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop: the child process is terminated; a thread parse finishes but is ignored."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            if self._process is not None:
                result = self._run_child(self._process)
            else:
                result = self._run_here()
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
            self.progressed.emit(len(self.paths), len(self.paths), "")
            self.succeeded.emit(result)

    def _run_here(self) -> tuple[tuple[GeoparsedArticle, ...], str] | None:
        assert self._parse_one is not None
        docs: list[GeoparsedArticle] = []
        for done, path in enumerate(self.paths):
            if self._cancel.is_set():
                return None
            self.progressed.emit(done, len(self.paths), path.name)
            docs.append(self._parse_one(path))
        if self._cancel.is_set():
            return None
        page = self._render(docs) if self._render is not None else ""
        return tuple(docs), page

    def _run_child(self, options: ProcessParse) -> tuple[tuple[GeoparsedArticle, ...], str] | None:
        # A plain subprocess rather than multiprocessing: "spawn" would re-import the caller's
        # __main__, and fork is unsafe in a process running Qt.
        child = _take_child()
        assert child.stdin is not None and child.stdout is not None
        reader = _FrameReader(child.stdout)
        docs: list[GeoparsedArticle] = []
        article: Article | None = None
        mentions: list[Mention] = []
        try:
            child.stdin.write(pickle.dumps(([str(p) for p in self.paths], options)))
            child.stdin.close()
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
                elif kind == "status":
                    self.statusChanged.emit(payload[0])
                elif kind == "article":
                    article, mentions = payload[0], []
                elif kind == "mentions":
                    mentions.extend(payload[0])
                elif kind == "end-article":
                    assert article is not None
                    docs.append(GeoparsedArticle(article, tuple(mentions)))
                    article, mentions = None, []
                elif kind == "page":
                    return tuple(docs), payload[0]
                elif kind == "error":
                    raise GazetteError(payload[0])
                elif kind == "bug":
                    log.error("parse process failed: %s", payload[1])
                    raise GazetteError(BUG_MESSAGE.format(payload[0]))
        finally:
            _end_child(child)
            if not self._cancel.is_set():
                prestart_child()  # warm for the next open


_spare: subprocess.Popen | None = None
_spare_lock = threading.Lock()


def _spawn_child() -> subprocess.Popen:
    repo = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, "-c", "from viewer.worker import child_main; child_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=repo,
        env=env,
    )


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
            stream.close()


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
    """Entry point of the parse subprocess: request on stdin, framed pickles on stdout."""
    out = sys.stdout.buffer

    def send(*message: object) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(data).to_bytes(8, "big") + data)
        out.flush()

    def report_index_build(fraction: float, message: str) -> None:
        # The few frames of a first-run build wait in the pipe until a job reads them.
        send("status", f"{message} ({fraction:.0%})")

    try:  # warm up while the parent waits for a file: imports and the offline gazetteer
        import viewer.mapbuilder  # noqa: F401

        _shared_geoparser(online=False, progress=report_index_build)
    except Exception:  # reported properly when the request is served
        pass
    request = sys.stdin.buffer.read()
    if not request:
        return  # the parent exited or no longer needs us
    paths, options = pickle.loads(request)

    try:
        parse_one = default_parse_one(online=options.online)
        docs = []
        for done, path in enumerate(paths):
            send("progress", done, len(paths), Path(path).name)
            doc = parse_one(Path(path))
            docs.append(doc)
            send("article", doc.article)
            for start in range(0, len(doc.mentions), CHUNK):
                send("mentions", doc.mentions[start : start + CHUNK])
            send("end-article")
        from viewer.mapbuilder import build_map, render_page

        fmap = build_map(docs, basemap=options.basemap, connections=options.connections)
        send("page", render_page(fmap, mode="app"))
    except GazetteError as err:
        send("error", str(err))
    except Exception as err:  # reported to the parent, which shows a plain message
        import traceback

        send("bug", type(err).__name__, traceback.format_exc())


_geoparser = None
_online_geoparser = None
_geoparser_lock = threading.Lock()


def default_parse_one(*, online: bool = False) -> ParseOne:
    """load_article + the default geoparser (built once, lazily, where it first runs)."""

    def parse_one(path: Path) -> GeoparsedArticle:
        from places.articles import load_article

        article = load_article(path)
        return _shared_geoparser(online=online).parse(article)

    return parse_one


def _shared_geoparser(*, online: bool, progress: Callable[[float, str], None] | None = None):
    """The process-wide geoparser: offline, or with the online fallback (both built once)."""
    global _geoparser, _online_geoparser
    with _geoparser_lock:
        if _geoparser is None:
            from places.geoparse import default_geoparser

            _geoparser = default_geoparser(progress=progress)
        if not online:
            return _geoparser
        if _online_geoparser is None:
            from places.geoparse import Geoparser
            from places.online import online_geocoder

            # The same gazetteer as the offline one: loading it again would cost seconds and memory.
            _online_geoparser = Geoparser(_geoparser.gazetteer, fallback=online_geocoder())
        return _online_geoparser
