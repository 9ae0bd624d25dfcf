"""A lesson applied to its geoparsed articles, and what map.js needs of it (no Qt, no folium).

The window, its undo stack and ``gazette export`` all go through :func:`apply_lesson`: the
geoparse stays as the parser made it, and the lesson's corrections are applied on top, so a
correction can be taken back or saved without parsing again.
"""

from __future__ import annotations

__all__ = [
    "EARTH_RADIUS_KM",
    "apply_lesson",
    "article_paths",
    "default_tour",
    "great_circle_km",
    "lesson_bundle",
    "lesson_for_docs",
    "lesson_payload",
    "moved_corrections",
    "tour_stops",
    "window_corrections",
    "with_corrections",
]

import dataclasses
import math
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from places.lessons import Correction, Lesson, LessonArticle, save_lesson
from places.model import TOPONYM, GeoparsedArticle, Kind, Mention, Place, PlaceMentions, group_by_place

EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius of geopy's ``great_circle``; map.js uses the same number."""
ONLINE_ID_PREFIX = "geocoder:"
"""Ids of places from the online geocoder (places.geoparse); kept in a lesson as points."""
PLACE_ZOOM = {Kind.COUNTRY: 4, Kind.CONTINENT: 3}
DEFAULT_PLACE_ZOOM = 7
Lookup = Callable[[str], Place | None]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the mean Earth radius (geopy's ``great_circle`` formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.hypot(math.cos(p2) * math.sin(dl), math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl))
    x = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_KM * math.atan2(y, x)


def article_paths(lesson: Lesson) -> dict[str, str]:
    """Article id -> the lesson-relative path it was listed under (inline articles have none)."""
    return {a.id: e.path for a, e in zip(lesson.articles, lesson.entries, strict=False) if e.path}


def lesson_for_docs(docs: Sequence[GeoparsedArticle], *, title: str = "") -> Lesson:
    """A new lesson holding plain articles (what saving them makes)."""
    articles = tuple(d.article for d in docs)
    first = articles[0].title if articles else ""
    return Lesson(title=title or first or "Lesson", articles=articles, entries=tuple(LessonArticle() for _ in articles))


def _reading(mention: Mention, place_id: str, lookup: Lookup | None) -> Place | None:
    if mention.place.id == place_id:
        return mention.place
    found = next((a for a in mention.alternatives if a.id == place_id), None)
    return found if found is not None or lookup is None else lookup(place_id)


def _corrected(mention: Mention, rule: Correction, lookup: Lookup | None) -> Mention | None:
    if rule.not_a_place:
        return None
    if rule.place_id is not None:
        to = _reading(mention, rule.place_id, lookup)
        if to is None or to.id == mention.place.id:
            return mention
        others = tuple(a for a in mention.alternatives if a.id not in {to.id, mention.place.id})
        return dataclasses.replace(mention, place=to, confidence=1.0, alternatives=(mention.place, *others))
    assert rule.lat is not None and rule.lon is not None
    return dataclasses.replace(mention, place=dataclasses.replace(mention.place, lat=rule.lat, lon=rule.lon), confidence=1.0)


def apply_lesson(docs: Sequence[GeoparsedArticle], lesson: Lesson | None, *, lookup: Lookup | None = None) -> tuple[GeoparsedArticle, ...]:
    """``docs`` with the lesson's corrections made; untouched articles are the same objects.

    A correction matches mentions by the name as written; one with ``article`` only in that
    article, and it wins over one for every article.  ``lookup`` finds a ``place_id`` that is
    not among a mention's alternatives (the gazetteer's :meth:`~places.gazetteer.Gazetteer.by_id`).
    """
    if lesson is None or not lesson.corrections:
        return tuple(docs)
    paths = article_paths(lesson)
    out = []
    for doc in docs:
        path = paths.get(doc.article.id)
        rules = {c.name: c for c in lesson.corrections if c.article is None}
        rules.update({c.name: c for c in lesson.corrections if c.article is not None and c.article == path})
        if not rules:
            out.append(doc)
            continue
        mentions = []
        for m in doc.mentions:
            rule = rules.get(m.text)
            new = m if rule is None else _corrected(m, rule, lookup)
            if new is not None:
                mentions.append(new)
        out.append(dataclasses.replace(doc, mentions=tuple(mentions)))
    return tuple(out)


def with_corrections(lesson: Lesson, corrections: Iterable[Correction]) -> Lesson:
    """The lesson with ``corrections`` added; each replaces any earlier one for the same name and article."""
    new = list(corrections)
    keys = {(c.name, c.article) for c in new}
    kept = [c for c in lesson.corrections if (c.name, c.article) not in keys]
    return dataclasses.replace(lesson, corrections=(*kept, *new))


def _article_for(lesson: Lesson, article_id: str) -> str | None:
    return article_paths(lesson).get(article_id) if len(lesson.articles) > 1 else None


def window_corrections(lesson: Lesson, keys: Iterable[tuple[str, str]], *, to: Place | None) -> tuple[Correction, ...]:
    """The lesson corrections for a choice in the window: (article id, name as written) -> not a place or ``to``.

    A reading from the online geocoder (``geocoder:…``) has no id the offline gazetteer can find
    again when the lesson reopens (offline, on another machine), so it is kept as its point.
    """
    out = {}
    point = to is not None and to.id.startswith(ONLINE_ID_PREFIX)
    for article_id, name in sorted(keys):
        article = _article_for(lesson, article_id)
        if point:
            assert to is not None
            out[(name, article)] = Correction(name=name, article=article, lat=round(to.lat, 5), lon=round(to.lon, 5))
        else:
            out[(name, article)] = Correction(name=name, article=article, not_a_place=to is None, place_id=to.id if to else None)
    return tuple(out.values())


def moved_corrections(lesson: Lesson, docs: Sequence[GeoparsedArticle], place_id: str, *, lat: float, lon: float) -> tuple[Correction, ...]:
    """The lesson corrections that move every mention of ``place_id`` to (lat, lon)."""
    keys = {(m.article_id, m.text) for d in docs for m in d.mentions if m.place.id == place_id}
    out = {}
    for article_id, name in sorted(keys):
        article = _article_for(lesson, article_id)
        out[(name, article)] = Correction(name=name, article=article, lat=round(lat, 5), lon=round(lon, 5))
    return tuple(out.values())


# --- the page's share -----------------------------------------------------------------------


def _segments(mention: Mention) -> list[tuple[str, bool]]:
    """The excerpt as (text, is the name) runs (offsets count code points, so not in JS)."""
    text = mention.excerpt
    start = max(0, min(len(text), mention.start_in_excerpt))
    end = max(start, min(len(text), mention.end_in_excerpt))
    return [(part, marked) for part, marked in ((text[:start], False), (text[start:end], True), (text[end:], False)) if part]


def _extra_payload(lesson: Lesson) -> list[dict[str, Any]]:
    return [
        {"id": f"lesson:extra-{n}", "name": p.name, "kind": p.kind.value, "lat": p.lat, "lon": p.lon, "country": "",
         "countryName": "", "isoNumeric": "", "count": 0, "source": "", "articles": [], "extra": True}
        for n, p in enumerate(lesson.extra_places, 1)
    ]  # fmt: skip


def _first_named(docs: Sequence[GeoparsedArticle]) -> list[PlaceMentions]:
    """Places in the order the articles first name them (article by article)."""
    groups = {g.place.id: g for g in group_by_place(docs) if g.named}  # a country only involved by demonyms is no stop
    seen: dict[str, PlaceMentions] = {}
    for doc in docs:
        for m in sorted(doc.mentions, key=lambda m: m.start):
            if m.place.id in groups and m.role == TOPONYM:
                seen.setdefault(m.place.id, groups[m.place.id])
    return list(seen.values())


def default_tour(docs: Sequence[GeoparsedArticle]) -> list[list[str | int]]:
    """The tour of a lesson without one, as ``[place id, zoom]`` pairs: every place on the map
    once, in the order the articles first name it (two places of one name are two stops);
    map.js makes each stop from its place."""
    return [[g.place.id, _stop_zoom(g.place)] for g in _first_named(docs)]


def tour_stops(lesson: Lesson, docs: Sequence[GeoparsedArticle]) -> list[dict[str, Any]]:
    """A lesson's own tour as map.js walks it: each stop with a point, a zoom, its caption and an
    excerpt. A stop naming a place that is not on the map is left out."""
    by_name: dict[str, PlaceMentions] = {}
    for g in _first_named(docs):
        by_name.setdefault(g.place.name, g)
        for m in g.mentions:
            by_name.setdefault(m.text, g)
    extras = {p.name: p for p in lesson.extra_places}
    out = []
    for stop in lesson.tour:
        row: dict[str, Any] = {"caption": stop.caption, "name": stop.place or "", "excerpt": [], "kind": "view"}
        if stop.view is not None:
            row.update(lat=stop.view.lat, lon=stop.view.lon, zoom=stop.view.zoom)
        elif stop.place in by_name:
            row = _place_stop(stop.caption, stop.place, by_name[stop.place])
        elif stop.place in extras:
            p = extras[stop.place]
            row.update(lat=p.lat, lon=p.lon, zoom=DEFAULT_PLACE_ZOOM, kind=p.kind.value)
        else:
            continue
        out.append(row)
    return out


def _place_stop(caption: str, name: str, g: PlaceMentions) -> dict[str, Any]:
    place = g.place
    return {"caption": caption, "name": name, "excerpt": _segments(g.mentions[0]), "kind": place.kind.value,
            "lat": place.lat, "lon": place.lon, "zoom": _stop_zoom(place), "id": place.id}


def _stop_zoom(place: Place) -> int:
    return PLACE_ZOOM.get(place.kind, DEFAULT_PLACE_ZOOM)


def lesson_payload(lesson: Lesson | None, docs: Sequence[GeoparsedArticle], *, bundle: bool = False) -> dict[str, Any]:
    """The ``lesson`` part of the page data (title, tour, extra places; ``bundle``: the lesson file itself)."""
    # The default tour would repeat each place and an excerpt: it goes as place ids (default_tour).
    own = lesson if lesson is not None and lesson.tour else None
    payload: dict[str, Any] = {
        "title": lesson.title if lesson else "",
        "tour": tour_stops(own, docs) if own else None,
        "tourPlaces": None if own else default_tour(docs),
        "extraPlaces": _extra_payload(lesson) if lesson else [],
        "earthRadiusKm": EARTH_RADIUS_KM,
    }
    if bundle and lesson is not None:
        payload["file"] = lesson_bundle(lesson)
    return payload


def lesson_bundle(lesson: Lesson) -> dict[str, Any]:
    """The lesson as saved, with its articles' text: ``{"lesson": yaml, "files": {path: text}}``."""
    with tempfile.TemporaryDirectory(prefix="gazette-lesson-") as tmp:
        folder = Path(tmp)
        save_lesson(folder / "lesson.gazette.yaml", lesson)
        files: Mapping[str, str] = {
            p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "lesson.gazette.yaml"
        }  # fmt: skip
        return {"lesson": (folder / "lesson.gazette.yaml").read_text(encoding="utf-8"), "files": dict(files)}
