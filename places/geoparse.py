"""The one pipeline everything calls: Article -> GeoparsedArticle.

Recognition (:mod:`places.recognize`) finds candidate spans, resolution (:mod:`places.resolve`)
picks a place for each; an optional geopy geocoder (opt-in, online) is asked only about
capitalised names that look like places from their context but are unknown to the gazetteer.
"""

from __future__ import annotations

__all__ = ["GeoparseOptions", "Geoparser", "place_from_location", "shared_geoparser"]

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from places.errors import GazetteError
from places.gazetteer import Gazetteer, Progress
from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from places.recognize import Candidate, RecognizeOptions, recognize
from places.resolve import ResolveOptions, resolve
from places.sentences import excerpt_for

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder

_KIND_FROM_OSM = {
    "country": Kind.COUNTRY, "state": Kind.REGION, "province": Kind.REGION, "region": Kind.REGION,
    "county": Kind.COUNTY, "city": Kind.CITY, "town": Kind.CITY, "village": Kind.CITY, "hamlet": Kind.CITY,
    "suburb": Kind.CITY, "aeroway": Kind.FACILITY, "building": Kind.FACILITY, "amenity": Kind.FACILITY,
    "military": Kind.FACILITY, "man_made": Kind.FACILITY, "landuse": Kind.FACILITY, "water": Kind.WATER,
    "waterway": Kind.WATER, "bay": Kind.WATER, "strait": Kind.WATER, "natural": Kind.LANDFORM,
    "peninsula": Kind.LANDFORM, "island": Kind.LANDFORM, "continent": Kind.CONTINENT,
}


@dataclass(frozen=True, slots=True)
class GeoparseOptions:
    recognize: RecognizeOptions = RecognizeOptions()
    resolve: ResolveOptions = ResolveOptions()


class Geoparser:
    """Finds and resolves the places an article names, offline unless given a ``fallback``."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, fallback: Geocoder | None = None,
                 options: GeoparseOptions = GeoparseOptions()) -> None:
        self._gazetteer = gazetteer
        self._fallback = fallback
        self._options = options
        self._fallback_cache: dict[str, Place | None] = {}
        rec = options.recognize
        if fallback is None and rec.fallback_cues:
            rec = replace(rec, fallback_cues=False)  # unknown names matter only to a fallback
        self._recognize_options = rec

    @property
    def notice(self) -> str | None:
        """The online fallback's notice once it has failed ("online look-ups unavailable, …"), else None."""
        return getattr(self._fallback, "notice", None)

    def with_options(self, options: GeoparseOptions) -> Geoparser:
        """The same index and fallback under other options (``--demonyms``)."""
        return Geoparser(self.gazetteer, fallback=self._fallback, options=options)

    def with_demonyms(self) -> Geoparser:
        """The same index and fallback with demonyms as associative mentions (``--demonyms``)."""
        return self.with_options(GeoparseOptions(recognize=RecognizeOptions(demonyms=True)))

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.load()
        return self._gazetteer

    def parse(self, article: Article) -> GeoparsedArticle:
        """Mentions in text order, each with its sentence excerpt."""
        gaz = self.gazetteer
        text = article.text
        cands = recognize(text, gaz, options=self._recognize_options)
        resolved = resolve(cands, gaz, options=self._options.resolve)
        found: list[tuple[Candidate, Place]] = []
        if self._fallback is not None:
            for c in cands:
                if c.unknown:
                    place = self._ask_fallback(c)
                    if place is not None:
                        found.append((c, place))
        del cands
        # A 20 MB text has ~500,000 mentions: those of one sentence share its excerpt (one str, not
        # a copy each), those of one name their alternatives, and each resolution is dropped as
        # soon as its mention exists.
        excerpts: dict[tuple[int, int], str] = {}
        alternatives: dict[tuple[int, ...], tuple[Place, ...]] = {}
        mentions: list[Mention] = []

        def add(c: Candidate, place: Place, conf: float, alts: tuple[Place, ...]) -> None:
            excerpt, excerpt_start = excerpt_for(text, c.start, c.end)
            excerpt = excerpts.setdefault((excerpt_start, len(excerpt)), excerpt)
            mentions.append(Mention(article.id, c.start, c.end, c.text, place, excerpt, excerpt_start,
                                    confidence=conf, alternatives=alts,
                                    role="associative" if c.associative else "toponym"))

        for k, r in enumerate(resolved):  # in text order
            resolved[k] = None  # type: ignore[call-overload]
            alts = alternatives.get(r.alternatives)
            if alts is None:
                alts = alternatives[r.alternatives] = tuple(gaz.place(x) for x in r.alternatives)
            add(r.candidate, gaz.place(r.row), r.confidence, alts)
        for c, place in found:
            add(c, place, 0.5, ())
        if found:
            mentions.sort(key=lambda m: (m.start, m.end))
        return GeoparsedArticle(article, tuple(mentions))

    def _ask_fallback(self, cand: Candidate) -> Place | None:
        query = cand.text
        if query in self._fallback_cache:
            return self._fallback_cache[query]
        place: Place | None = None
        try:
            loc = self._fallback.geocode(query, exactly_one=True)  # type: ignore[union-attr]
        except (GazetteError, Exception):  # noqa: BLE001 - any geocoder failure only skips this name
            loc = None
        if loc is not None:
            place = place_from_location(query, loc)
        self._fallback_cache[query] = place
        return place


def place_from_location(query: str, loc: Any) -> Place | None:
    """A geocoder's geopy Location as a Place (None when it carries no usable point); the one conversion."""
    try:
        lat, lon = float(loc.latitude), float(loc.longitude)
    except (TypeError, ValueError, AttributeError):
        return None
    raw = getattr(loc, "raw", None) or {}
    if not isinstance(raw, dict):
        raw = {}
    if raw.get("osm_type") and raw.get("osm_id"):
        pid = f"geocoder:{raw['osm_type']}/{raw['osm_id']}"
    else:
        pid = f"geocoder:{lat:.5f},{lon:.5f}"
    kind = _KIND_FROM_OSM.get(str(raw.get("type", "")), _KIND_FROM_OSM.get(str(raw.get("class", "")), Kind.FACILITY))
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    country = str(address.get("country_code", "")).upper()[:2]
    return Place(id=pid, name=query, lat=lat, lon=lon, kind=kind, country=country,
                 country_name=str(address.get("country", "")), source="OpenStreetMap Nominatim")


_offline: Geoparser | None = None
_online: Geoparser | None = None
_lock = threading.Lock()


def shared_geoparser(*, online: bool = False, demonyms: bool = False, progress: Progress | None = None,
                     on_unavailable: Callable[[str], None] | None = None) -> Geoparser:
    """The process-wide geoparser, offline or with the online fallback; each is built once.

    The online one shares the offline one's gazetteer (loading it twice costs seconds and memory).
    ``demonyms`` gives the same index and fallback with demonyms as associative mentions (``--demonyms``).
    ``progress(fraction, message)`` hears about a first-run index build (see Gazetteer.load);
    ``on_unavailable(notice)`` hears, once, that online look-ups failed (the notice stays readable
    as :attr:`Geoparser.notice`). A failure to build either is raised each time, never cached.
    """
    base = _base_geoparser(online=online, progress=progress, on_unavailable=on_unavailable)
    if not demonyms:
        return base
    with _lock:
        if base not in _with_demonyms:
            _with_demonyms[base] = base.with_demonyms()
        return _with_demonyms[base]


_with_demonyms: dict[Geoparser, Geoparser] = {}


def _base_geoparser(*, online: bool, progress: Progress | None, on_unavailable: Callable[[str], None] | None) -> Geoparser:
    global _offline, _online
    with _lock:
        if _offline is None:
            _offline = Geoparser(Gazetteer.load(progress=progress))
        if not online:
            return _offline
        if _online is None:
            from places.online import nominatim_from_env, online_geocoder

            _online = Geoparser(_offline.gazetteer,
                                fallback=online_geocoder(**nominatim_from_env(), on_unavailable=on_unavailable))
        return _online
