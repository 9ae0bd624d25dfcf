"""A first run: the bundled sample's map while the place index is built.

A first run (no usable place index in the cache) builds the index before anything can be
geoparsed, some fifteen seconds.  Instead of an empty page the window shows the sample
article of ``assets/sample/`` meanwhile, from its geoparse committed beside it
(:data:`SAMPLE_GEOPARSE`, written by ``scripts/sample_geoparse.py``; a test checks it equals
what the geoparser gives now, so it cannot go stale).  The page comes from the one route,
:func:`viewer.mapbuilder.map_page`, titled as the sample; the status bar says the index is
still being built.  The open's own result replaces it as usual.

Only a parse job's status lines start it, and the parse process sends them only while it
builds the index: a start on a warm index never shows the sample.
"""

from __future__ import annotations

__all__ = ["SAMPLE_ARTICLE", "SAMPLE_GEOPARSE", "SAMPLE_NOTICE", "SAMPLE_TITLE", "SampleWhileBuilding", "dump_geoparse", "load_geoparse",
           "sample_doc"]

import json
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer, Signal

from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from viewer.webassets import SAMPLE_DIR

SAMPLE_ARTICLE = SAMPLE_DIR / "black-sea-grain-corridor.md"
SAMPLE_GEOPARSE = SAMPLE_DIR / "black-sea-grain-corridor.geoparse.json"
SAMPLE_TITLE = "Sample: {title}"
SAMPLE_NOTICE = "Showing the bundled sample while the place index is built"
INDEX_MISSING = "Building the place index (missing); this happens once"
FORMAT = 1
_PLACE_FIELDS = ("name", "lat", "lon", "kind", "country", "country_name", "population", "source")

MainWindow = Any  # viewer.window.MainWindow, which imports this module


def dump_geoparse(doc: GeoparsedArticle) -> str:
    """The mentions of ``doc`` and their places as JSON (the article itself is read from its file)."""
    places: dict[str, dict[str, Any]] = {}
    for mention in doc.mentions:
        for place in (mention.place, *mention.alternatives):
            places.setdefault(place.id, {field: getattr(place, field) for field in _PLACE_FIELDS})
    mentions = [
        {"start": m.start, "end": m.end, "text": m.text, "place": m.place.id, "excerpt": m.excerpt,
         "excerpt_start": m.excerpt_start, "confidence": m.confidence,
         "alternatives": [p.id for p in m.alternatives], "role": m.role}
        for m in doc.mentions
    ]  # fmt: skip
    value = {"format": FORMAT, "places": places, "mentions": mentions}
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def load_geoparse(text: str, article: Article) -> GeoparsedArticle:
    """``article`` with the mentions :func:`dump_geoparse` wrote (their article id is ``article``'s)."""
    value = json.loads(text)
    if value.get("format") != FORMAT:
        raise ValueError(f"unknown sample geoparse format {value.get('format')!r}")
    places = {
        pid: Place(id=pid, **{**fields, "kind": Kind(fields["kind"])}) for pid, fields in value["places"].items()
    }
    mentions = tuple(
        Mention(article_id=article.id, start=m["start"], end=m["end"], text=m["text"], place=places[m["place"]],
                excerpt=m["excerpt"], excerpt_start=m["excerpt_start"], confidence=m["confidence"],
                alternatives=tuple(places[p] for p in m["alternatives"]), role=m["role"])
        for m in value["mentions"]
    )  # fmt: skip
    return GeoparsedArticle(article, mentions)


def sample_doc() -> GeoparsedArticle:
    """The bundled sample as the geoparser reads it, without the place index."""
    from places.articles import load_article

    article = load_article(SAMPLE_ARTICLE)
    return load_geoparse(SAMPLE_GEOPARSE.read_text(encoding="utf-8"), article)


class _SamplePage(QThread):
    """The sample's page, built off the GUI thread (the first page build imports folium)."""

    built = Signal(str)

    def __init__(self, *, basemap: str, connections: bool, parent: QObject) -> None:
        super().__init__(parent)
        self.basemap = basemap
        self.connections = connections

    def run(self) -> None:
        from places.errors import GazetteError
        from viewer.mapbuilder import map_page

        try:
            doc = sample_doc()
            page = map_page([doc], basemap=self.basemap, connections=self.connections,
                            title=SAMPLE_TITLE.format(title=doc.article.title))  # fmt: skip
        except (GazetteError, OSError, ValueError):
            return  # only a stand-in: the open goes on without it
        self.built.emit(page)


class SampleWhileBuilding(QObject):
    """Puts the sample's map on the window's (still empty) map while a job waits for the index."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shown = False
        """The sample's map has been put on screen (once per window)."""
        self._builder: _SamplePage | None = None

    def watch(self, job: QObject) -> None:  # a viewer.worker.ParseJob
        """Show the sample for ``job`` if it has to wait for the index: none in the cache (seen here at
        once) or one being rebuilt (the parse process's status lines, which come only then)."""
        job.statusChanged.connect(lambda line, job=job: self._on_status(job, line))
        if self._builder is None:
            QTimer.singleShot(0, lambda job=job: self._index_missing() and self._on_status(job, INDEX_MISSING, first=True))

    @staticmethod
    def _index_missing() -> bool:
        from places.indexformat import index_path

        return not index_path().exists()

    def _waiting(self) -> bool:
        """Nothing of the person's is on the map yet, and an open waits."""
        window = self.window
        return window.job is not None and not window.session.docs and not window.stream.page and not window.stream.live

    def _on_status(self, job: QObject, line: str, *, first: bool = False) -> None:
        window = self.window
        if not shiboken6.isValid(job) or job is not window.job or (first and self._builder is not None):
            return  # first: seen here before the parse process said anything (its lines win)
        if self._builder is None and self._waiting():
            self._builder = _SamplePage(basemap=window.basemap, connections=window.connections, parent=self)
            self._builder.built.connect(self._show)
            self._builder.start()
        prefix = f"{SAMPLE_NOTICE} · " if self._builder is not None and not window.session.docs else ""
        window.status_label.setText(prefix + line)

    def _show(self, page: str) -> None:
        if not self._waiting():
            return  # the person's own map came first
        self.shown = True
        # partial: this page is not the map the window waits for, so it emits no mapReady
        # (a batch screenshot waits for the article's own map); the open's page replaces it.
        self.window.map_view.load_page(page, known_ids=(), partial=True)

    def wait(self) -> None:
        """Let a sample page being built finish (before the window goes)."""
        if self._builder is not None:
            self._builder.wait()
