"""Places stream onto the map while a folder loads, without the map resetting its view.

:class:`PartialFeed` runs in the parse job's thread: as articles finish it builds what the map
needs for the articles so far (the first time a whole page, then the page data alone; neither moves the view) and hands
it on as a :class:`PartialResult`, at most every :data:`PARTIAL_INTERVAL_S`.  :class:`StreamingMap`
(the window assembles it) shows the first as a page and merges the rest into the live page with
map.js's ``gazette.update``; the open's final page is merged the same way (its data block, so the
end state is what a one-shot load of that page draws): its view fits the places unless the
reader has moved the map meanwhile, whose view then stays.  When the streamed page's tiles fail
and it shows the offline basemap instead, the rest of the open (built on offline) merges into it too.
A cancelled open puts back the page shown before it.  No Qt widgets of its own.
"""

from __future__ import annotations

__all__ = ["PARTIAL_INTERVAL_S", "PartialFeed", "PartialResult", "StreamingMap", "page_data_json"]

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QThread

from places.errors import GazetteError
from places.model import GeoparsedArticle
from viewer.basemaps import MapOptions

if TYPE_CHECKING:
    from viewer.mapview import MapView

PARTIAL_INTERVAL_S = 0.5
_DATA_BLOCK = re.compile(r'<script type="application/json" id="gz-data">(.*?)</script>', re.DOTALL)


@dataclass(frozen=True, slots=True)
class PartialResult:
    """The map of the articles parsed so far: ``page`` the first time, else ``data`` (map_data as JSON)."""

    docs: tuple[GeoparsedArticle, ...]
    total: int
    page: str
    data: str
    place_ids: frozenset[str]
    origins: frozenset[str] = frozenset()  # where the page's tiles may come from


def page_data_json(page: str) -> str | None:
    """The JSON of a map page's data block (viewer.elements.MapData), or None."""
    found = _DATA_BLOCK.search(page)
    return found.group(1) if found else None


class PartialFeed:
    """Decides when the articles parsed so far go to the map, and builds what it needs (job thread)."""

    def __init__(
        self, options: Callable[[], MapOptions], emit: Callable[[PartialResult], object], *,
        interval: float = PARTIAL_INTERVAL_S, clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.total = 0
        self._options = options
        self._emit = emit
        self._interval = interval
        self._clock = clock
        self._sent = 0
        self._due = 0.0

    def add(self, docs: Sequence[GeoparsedArticle]) -> None:
        """``docs``: every article parsed so far; the last one of the open is left to the final result."""
        if len(docs) >= self.total or self._clock() < self._due:
            return
        started = self._clock()
        try:
            result = self._build(tuple(docs))
        except GazetteError:  # e.g. an unusable basemap: the final result reports it
            return
        # Building costs grow with the articles: never spend more than a third of the time on it.
        self._due = self._clock() + max(self._interval, 2 * (self._clock() - started))
        self._sent += 1
        self._emit(result)

    def _build(self, docs: tuple[GeoparsedArticle, ...]) -> PartialResult:
        from places.model import group_by_place
        from viewer.basemaps import tile_origins, tile_spec
        from viewer.mapbuilder import default_title, map_data, map_page

        options = self._options()
        ids = frozenset(g.place.id for g in group_by_place(docs))
        if not self._sent:
            page = map_page(docs, basemap=options.basemap, connections=options.connections, fit=False)
            return PartialResult(docs, self.total, page, "", ids, tile_origins(options.basemap))
        data = map_data(docs, tiles=tile_spec(options.basemap), connections=options.connections,
                        title=default_title(docs), editable=True, fit=False)  # fmt: skip
        return PartialResult(docs, self.total, "", json.dumps(data, ensure_ascii=False, separators=(",", ":")), ids)


class StreamingMap(QObject):
    """Puts partial results of the current open on the map view, and its final page in their place."""

    def __init__(self, view: MapView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._job: QThread | None = None
        self._live_basemap: Any = None  # the streamed page's basemap; None: no stream on screen
        self._shown: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None
        self._streamed: frozenset[str] = frozenset()  # the article ids on the partial map

    @property
    def page(self) -> str:
        """The last page the window gave to :meth:`show` ("" before any)."""
        return self._shown[0] if self._shown else ""

    @property
    def live(self) -> bool:
        """A partial map of the current open is on screen."""
        return self._live_basemap is not None

    def watch(self, job: QThread) -> None:  # a viewer.worker.ParseJob
        """Show ``job``'s partial results until it ends or another job is watched; a job that ends
        without its result shown (cancelled, failed) gives the map back to what was shown before."""
        self._job = job
        self._live_basemap = None  # an earlier open's partial map is not merged into
        job.partial.connect(lambda result, job=job: self._on_partial(job, result))
        job.finished.connect(lambda job=job: self._on_finished(job))

    def _on_finished(self, job: QThread) -> None:
        if job is self._job and shiboken6.isValid(self.view):  # the window may be gone already
            self.cancelled()

    def _on_partial(self, job: QThread, result: PartialResult) -> None:
        if job is not self._job or job.cancelled:
            return
        self._streamed = frozenset(d.article.id for d in result.docs)
        if result.page:
            data = page_data_json(result.page)
            self._live_basemap = json.loads(data)["basemap"] if data else None
            self.view.load_page(result.page, known_ids=result.place_ids, origins=result.origins, partial=True)
        elif self.live:
            self.view.update(result.data, known_ids=result.place_ids, final=False)

    def fell_back(self) -> None:
        """The live page's tiles failed and it now shows the offline basemap (map.js ``fallBack``)."""
        from viewer.mapbuilder import basemap_payload

        if self.live:
            self._live_basemap = basemap_payload(None)  # as the rest of the open, built on offline, has it

    def show(self, page: str, *, known_ids: Iterable[str], basemap: str) -> None:
        """Show ``page`` (drawn on ``basemap``): merged into the streamed map of this open when it can be, else loaded."""
        from viewer.basemaps import tile_origins

        try:
            origins: Iterable[str] = tile_origins(basemap)
        except GazetteError:
            origins = frozenset()
        self._job = None
        live, self._live_basemap = self._live_basemap, None
        self._shown = (page, tuple(known_ids), tuple(origins))
        data = page_data_json(page) if live is not None else None
        if data is not None and self._mergeable(json.loads(data), basemap=live, articles=self._streamed):
            self.view.update(data, known_ids=self._shown[1], final=True)
        else:
            self.view.load_page(page, known_ids=self._shown[1], origins=self._shown[2])

    @staticmethod
    def _mergeable(data: dict[str, Any], *, basemap: Any, articles: frozenset[str]) -> bool:
        """The page continues the stream: the same basemap (gazette.update redraws all else), the
        streamed articles among its own."""
        return data.get("basemap") == basemap and articles <= set(data.get("articles") or ())

    def cancelled(self) -> None:
        """The open ended without its result: a partial map on screen gives way to what was shown before."""
        self._job = None
        if not self.live:
            return
        self._live_basemap = None
        if self._shown is not None:
            page, ids, origins = self._shown
            self.view.load_page(page, known_ids=ids, origins=origins)
        else:
            from viewer.mapbuilder import map_page

            self.view.load_page(map_page([]), known_ids=())
