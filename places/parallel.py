"""Geoparse many articles on all cores: a process pool, results streamed back in input order.

    for doc in geoparse_stream(articles):          # an iterator of GeoparsedArticle, input order
        ...                                        # each one as soon as it and those before it are done

The workers are forks of one fork server (:mod:`places.poolserver`) that loaded the place index
once: they share its pages and start in milliseconds (spawn is the fallback where there is no
fork server).  While they start, this process reads ahead in ``articles`` (a lazy source reads
its files meanwhile); then it submits a bounded window of articles ahead of the one it is
waiting for, so memory stays bounded however long the input.  The output equals
``[Geoparser().parse(a) for a in articles]``: same geoparser, same options, same order.  With
``jobs=1``, few articles or ``online`` (one rate limit for Nominatim) it runs in this process.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MIN_PARALLEL", "default_jobs", "geoparse_stream"]

import gc
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from places.errors import GazetteerError
from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from places.poolserver import SERVER_ENV, WARM_UP

DEFAULT_MIN_PARALLEL = 8  # fewer articles than this run in the calling process
_IN_FLIGHT_PER_JOB = 3  # chunks in flight per worker: one running, the next queued, one the parent is on
_FIRST_CHUNK = 8  # each worker's first chunk: the first results stream back within a few articles
_CHUNK = 32  # then up to this many articles per task: each round trip costs both sides (see _chunks)
_READ_AHEAD = 4096  # articles read at most while the workers start

_READY_TIMEOUT = 900.0  # seconds for every worker to load the index (a first run builds it)
_ROOT = str(Path(__file__).resolve().parent.parent)  # the fork server imports places from here
_server_lock = threading.Lock()

_geoparser = None
_init_error: BaseException | None = None


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _init_worker(demonyms: bool, environ: dict[str, str], ready: Any) -> None:
    """Take the parent's environment, then the fork server's geoparser (or load the index), and tell the parent on ``ready``."""
    global _geoparser, _init_error
    try:
        if dict(os.environ) != environ:  # a fork has the server's environment, not the parent's of today
            os.environ.clear()
            os.environ.update(environ)
        from places.geoparse import shared_geoparser
        from places.poolserver import preloaded

        base = preloaded()
        if base is None:
            base = shared_geoparser()
            base.parse(WARM_UP)  # the index loaded and its first-use caches filled, offline
        else:
            base.gazetteer.prefault()  # the server's pages its look-ups write, copied now, before the first article
        _geoparser = base.with_demonyms() if demonyms else base
        gc.freeze()  # the index's objects live as long as the worker: the collector need not walk them again
        # and no collection while it parses: a parse makes no cycles (its records are freed by their
        # counts), and a worker lives one stream; the collector's walks were ~1% of a worker's work
        gc.disable()
    except BaseException as err:  # noqa: BLE001 - re-raised by the first task, in the parent
        _init_error = err
    ready.put(os.getpid())


def _context() -> Any:
    """The fork server's context, its server started with the index preloaded; spawn where there is none."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    with _server_lock:
        # The server imports this module too: each worker then starts without importing it (and
        # concurrent.futures), ~0.03 s each.
        context.set_forkserver_preload(["places.poolserver", "places.parallel"])
        # The server inherits this environment: places importable wherever we were started (this
        # places: not the working folder's, which ``python -c`` would put first, say another
        # checkout's), and the preload told it is in the server. Set only while the server is started.
        saved = {key: os.environ.get(key) for key in ("PYTHONPATH", "PYTHONSAFEPATH", SERVER_ENV)}
        os.environ["PYTHONPATH"] = _ROOT + (os.pathsep + saved["PYTHONPATH"] if saved["PYTHONPATH"] else "")
        os.environ["PYTHONSAFEPATH"] = "1"
        os.environ[SERVER_ENV] = "1"
        try:
            forkserver.ensure_running()
        except OSError:  # no socket for the server here (a read-only temporary folder): each worker spawned
            return multiprocessing.get_context("spawn")
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return context


# What crosses the pipe is plain tuples, pickled in C (a Mention or Place object costs Python
# calls per field each way). A worker gets (id, text) per article and answers, per chunk, the
# places its mentions name, once each (id, name, lat, lon, kind, country, country_name,
# population, source), and per article its mentions (start, end, place, confidence, alternatives,
# excerpt start and end, role, text or None, excerpt or None), the last two only where they are
# not the article's own text at those offsets (they always are: the parent cuts them).
_Job = tuple[str, str]
_PlaceRecord = tuple[str, str, float, float, str, str, str, int, str]
_MentionRecord = tuple[int, int, int, float, tuple[int, ...], int, int, str, "str | None", "str | None"]
_Answer = tuple[tuple[_PlaceRecord, ...], tuple[tuple[_MentionRecord, ...], ...]]


def _parse_chunk(jobs: tuple[_Job, ...]) -> _Answer:
    """The mentions of each article, as records; the parent already holds the articles (their text is not sent back)."""
    if _init_error is not None:
        raise _init_error
    assert _geoparser is not None
    refs: dict[int, int] = {}  # id(Place) -> its record's position (the Places stay alive in the index's cache)
    table: list[_PlaceRecord] = []

    def ref(place: Place) -> int:
        n = refs.get(id(place))
        if n is None:
            n = refs[id(place)] = len(table)
            table.append((place.id, place.name, place.lat, place.lon, place.kind.value, place.country,
                          place.country_name, place.population, place.source))
        return n

    answers = []
    for article_id, text in jobs:
        records = []
        for m in _geoparser.parse(Article(id=article_id, title="", text=text)).mentions:
            x_end = m.excerpt_start + len(m.excerpt)
            records.append((m.start, m.end, ref(m.place), m.confidence, tuple(map(ref, m.alternatives)),
                            m.excerpt_start, x_end, m.role, None if text[m.start : m.end] == m.text else m.text,
                            None if text[m.excerpt_start : x_end] == m.excerpt else m.excerpt))
        answers.append(tuple(records))
    return tuple(table), tuple(answers)


def geoparse_stream(
    articles: Iterable[Article], *, jobs: int | None = None, online: bool = False, demonyms: bool = False,
    min_parallel: int = DEFAULT_MIN_PARALLEL, on_ready: Callable[[], None] | None = None,
) -> Iterator[GeoparsedArticle]:
    """Each article geoparsed, in input order, as soon as it is done; on ``jobs`` processes (default: all cores).

    ``articles`` is read lazily (a generator over a huge file is fine).  ``on_ready()`` is called
    once the workers have loaded the index, before the first article is submitted (for timing
    and progress).  Closing the iterator early (``break``) stops the workers.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    source = iter(articles)
    head: list[Article] = []
    # Online look-ups stay in one process: Nominatim allows one request a second per client.
    # Otherwise the first few articles decide; with one job nothing is read ahead (a pipe's
    # first line gets its answer before the second is written).
    if jobs > 1 and not online:
        head.extend(islice(source, min_parallel))
    if jobs == 1 or online or len(head) < min_parallel:
        yield from _in_process(head, source, online=online, demonyms=demonyms, on_ready=on_ready)
        return
    yield from _in_pool(head, source, jobs=jobs, demonyms=demonyms, on_ready=on_ready)


def _in_process(head: list[Article], rest: Iterator[Article], *, online: bool, demonyms: bool,
                on_ready: Callable[[], None] | None) -> Iterator[GeoparsedArticle]:
    from places.geoparse import shared_geoparser

    shared_geoparser().parse(WARM_UP)
    parser = shared_geoparser(online=online, demonyms=demonyms)
    if on_ready:
        on_ready()
    for article in head:
        yield parser.parse(article)
    for article in rest:
        yield parser.parse(article)


def _in_pool(head: list[Article], rest: Iterator[Article], *, jobs: int, demonyms: bool,
             on_ready: Callable[[], None] | None) -> Iterator[GeoparsedArticle]:
    context = _context()
    ready = context.Queue()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                             initargs=(demonyms, dict(os.environ), ready)) as pool:  # fmt: skip
        # The pool starts a worker per task until it has ``jobs``; each takes the index and says
        # so, and no article is sent before every worker is ready (the clock starts then). The
        # workers are started on a thread of their own (a fork server answers once it has loaded
        # the index) while this one reads ahead.
        first: list[Future[Any]] = []
        starter = threading.Thread(target=_start_workers, args=(pool, jobs, first), name="gazette-pool-start", daemon=True)
        starter.start()
        counted = _has_qsize(ready)

        def starting() -> bool:
            if any(f.done() and f.exception() is not None for f in list(first)):
                return False  # a worker failed: _wait_ready raises it
            return ready.qsize() < jobs if counted else starter.is_alive()

        head.extend(_read_while(rest, starting))
        starter.join()
        _wait_ready(ready, first, jobs)
        if on_ready:
            on_ready()
        pending: deque[tuple[tuple[Article, ...], Future[_Answer]]] = deque()
        places: dict[_PlaceRecord, Place] = {}  # one Place object per place, across chunks
        try:
            for chunk in _chunks(head, rest, jobs):
                pending.append((chunk, pool.submit(_parse_chunk, tuple((a.id, a.text) for a in chunk))))
                if len(pending) >= _IN_FLIGHT_PER_JOB * jobs:
                    yield from _docs(*pending.popleft(), places)
            while pending:
                yield from _docs(*pending.popleft(), places)
        finally:
            for _, f in pending:
                f.cancel()
        # Every answer is in: the pool's own thread sees the workers out (10-20 ms of joining
        # processes and threads), not the caller, who has its last result. Leaving early still waits.
        pool.shutdown(wait=False)


def _start_workers(pool: ProcessPoolExecutor, jobs: int, first: list[Future[Any]]) -> None:
    for _ in range(jobs):
        try:
            first.append(pool.submit(_parse_chunk, ()))
        except BaseException as err:  # noqa: BLE001 - the waiting thread raises it
            failed: Future[Any] = Future()
            failed.set_exception(err)
            first.append(failed)
            return


def _has_qsize(q: Any) -> bool:
    try:
        q.qsize()
    except NotImplementedError:  # macOS has no sem_getvalue
        return False
    return True


def _read_while(source: Iterator[Article], going: Callable[[], bool]) -> list[Article]:
    """Articles from ``source`` while ``going()`` (the workers still starting), at most :data:`_READ_AHEAD`."""
    out: list[Article] = []
    while len(out) < _READ_AHEAD and going():
        article = next(source, None)
        if article is None:
            break
        out.append(article)
    return out


def _docs(chunk: tuple[Article, ...], future: Future[_Answer], places: dict[_PlaceRecord, Place]
          ) -> Iterator[GeoparsedArticle]:
    table, answers = future.result()
    refs = [places.get(rec) or places.setdefault(rec, _place(rec)) for rec in table]
    for article, records in zip(chunk, answers, strict=True):
        text = article.text
        excerpts: dict[tuple[int, int], str] = {}  # the mentions of one sentence share its excerpt, as in one process
        mentions = []
        for start, end, place, confidence, alternatives, x_start, x_end, role, name, excerpt in records:
            if excerpt is None:
                excerpt = excerpts.get((x_start, x_end))
                if excerpt is None:
                    excerpt = excerpts[(x_start, x_end)] = text[x_start:x_end]
            mentions.append(Mention(article.id, start, end, text[start:end] if name is None else name, refs[place],
                                    excerpt, x_start, confidence, tuple([refs[a] for a in alternatives]), role))
        yield GeoparsedArticle(article, tuple(mentions))


_KINDS = {kind.value: kind for kind in Kind}  # Kind(value) goes through EnumType.__call__: 1.4 µs, this 0.03 µs


def _place(rec: _PlaceRecord) -> Place:
    pid, name, lat, lon, kind, country, country_name, population, source = rec
    return Place(pid, name, lat, lon, _KINDS[kind], country, country_name, population, source)


def _wait_ready(ready: Any, first: list[Future[Any]], jobs: int) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT
    waiting = jobs
    while waiting:
        try:
            ready.get(timeout=0.2)
            waiting -= 1
        except queue.Empty:
            for f in first:
                if f.done():
                    f.result()  # a worker that died or could not load the index raises here
            if time.monotonic() > deadline:
                raise GazetteerError("The geoparsing processes did not start in time; try --jobs 1.") from None
    for f in first:
        f.result()


def _chunks(head: list[Article], rest: Iterator[Article], jobs: int) -> Iterator[tuple[Article, ...]]:
    """Chunks of articles in input order: each worker's first of :data:`_FIRST_CHUNK`, doubling up
    to :data:`_CHUNK`; once the source is known to end, the last ones smaller (down to one
    article), so the workers finish together: the last chunk's worker does not work alone while
    the others wait.

    Each chunk is a round trip: a worker idles ~0.5 ms between two (its answer out, the next
    chunk in) and the parent's threads spend ~1 ms (pickling, waking, the future), on cores the
    workers need; chunks of 8 were 82 round trips for LGL's 588 articles, these are ~35."""
    buffered: deque[Article] = deque(head)
    ended = False
    made, grown = 0, min(_FIRST_CHUNK, _CHUNK)
    while True:
        size = grown
        while not ended and len(buffered) < 2 * size * jobs:  # enough to see the end coming
            article = next(rest, None)
            if article is None:
                ended = True
            else:
                buffered.append(article)
        if not buffered:
            return
        if ended:
            size = max(1, min(size, len(buffered) // (2 * jobs)))
        made += 1
        if made % jobs == 0:  # a chunk of this size for each worker: the next ones twice as large
            grown = min(_CHUNK, 2 * grown)
        yield tuple(buffered.popleft() for _ in range(min(size, len(buffered))))
