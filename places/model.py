"""The model shared by every stage: frozen dataclasses, never raw dicts across packages.

Data flows one way: file -> :class:`Article` -> :class:`Mention` (each resolved to a
:class:`Place`) -> :class:`GeoparsedArticle` -> map.  Several articles are the normal case
(lessons, folders with a time slider), so everything downstream takes a sequence of
:class:`GeoparsedArticle` and :func:`group_by_place` merges mentions across them.
"""

from __future__ import annotations

__all__ = ["ASSOCIATIVE", "TOPONYM", "Article", "AssociativeName", "GeoparsedArticle", "Kind", "Mention", "Place",
           "PlaceMentions", "group_by_place"]

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


TOPONYM = "toponym"
ASSOCIATIVE = "associative"
"""The roles of a :class:`Mention`: the text names the place, or involves its country ("Russian forces")."""


class Kind(StrEnum):
    """What sort of place a :class:`Place` is; decides its symbol on the map."""

    COUNTRY = "country"
    REGION = "region"  # first-level division: US state, province, oblast
    COUNTY = "county"  # second-level division
    CITY = "city"  # populated place of any size
    FACILITY = "facility"  # spaceport, base, shipyard, building
    WATER = "water"  # ocean, sea, strait, gulf, lake, river
    LANDFORM = "landform"  # peninsula, island, mountain range, desert
    AREA = "area"  # historical, disputed or informal region
    CONTINENT = "continent"


@dataclass(frozen=True, slots=True)
class Article:
    """One text a person opened. ``id`` is unique within a session (path-derived)."""

    id: str
    title: str
    text: str
    source: str = ""  # the path or URL it came from, shown in exports
    published: str | None = None  # ISO 8601 date, or date-time with its UTC offset, when known; for the time slider
    url: str | None = None  # the page's own address (canonical link, og:url, a feed item's link)
    site_name: str | None = None  # "BBC News", a feed's title
    author: str | None = None  # as the page gives it; several joined with "; "


@dataclass(frozen=True, slots=True)
class Place:
    """A point on Earth with a name. ``id`` is stable across runs and data sources.

    Ids are namespaced: ``geonames:2013348``, ``country:RU``, ``curated:vostochny-cosmodrome``.
    """

    id: str
    name: str
    lat: float
    lon: float
    kind: Kind
    country: str = ""  # ISO 3166-1 alpha-2, "" where none applies (seas, continents)
    country_name: str = ""
    population: int = 0
    source: str = ""  # where the coordinates come from: "GeoNames", or a curated entry's source


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a place name in an article, resolved to a :class:`Place`.

    ``text == article.text[start:end]``; ``role`` is "toponym" or "associative" (see the field); ``excerpt`` is the sentence holding the mention
    (with a neighbour when that sentence is very short) and begins at ``excerpt_start`` in
    the article text, so the name sits at ``start - excerpt_start`` inside the excerpt.
    """

    article_id: str
    start: int
    end: int
    text: str
    place: Place
    excerpt: str
    excerpt_start: int
    confidence: float = 1.0
    alternatives: tuple[Place, ...] = ()  # the next-best readings, best first
    # "toponym": the text names the place; "associative": a demonym or adjective ("Russian forces")
    # that involves the country without naming a point in it (shade the country, never pin it).
    role: str = TOPONYM

    @property
    def start_in_excerpt(self) -> int:
        return self.start - self.excerpt_start

    @property
    def end_in_excerpt(self) -> int:
        return self.end - self.excerpt_start


@dataclass(frozen=True, slots=True)
class GeoparsedArticle:
    """An article with every place mention found in it, in text order."""

    article: Article
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class AssociativeName:
    """A demonym or adjective as written and how often it stands for its country ("Russian", 5)."""

    text: str
    count: int

    @property
    def label(self) -> str:
        """``"Russian — 5 associative mentions"``."""
        return f"{self.text} — {self.count} associative mention{'s' if self.count != 1 else ''}"


@dataclass(frozen=True, slots=True)
class PlaceMentions:
    """One place and every mention of it, across all the articles shown.

    ``mentions`` name the place (toponyms: what is plotted and counted); ``associative`` are the
    demonyms that involve it, a country ("Russian forces"): they shade it and are listed as such,
    never pinned.  A country named only through demonyms has no ``mentions``.
    """

    place: Place
    mentions: tuple[Mention, ...]
    associative: tuple[Mention, ...] = ()

    @property
    def count(self) -> int:
        """Its toponym mentions (associative ones are counted apart)."""
        return len(self.mentions)

    @property
    def named(self) -> bool:
        """The text names the place at least once (else it is involved only through demonyms)."""
        return bool(self.mentions)

    @property
    def associative_names(self) -> tuple[AssociativeName, ...]:
        """Each demonym as written with its count, in the order first seen."""
        counts: dict[str, int] = {}
        for m in self.associative:
            counts[m.text] = counts.get(m.text, 0) + 1
        return tuple(AssociativeName(text, n) for text, n in counts.items())


def group_by_place(docs: Sequence[GeoparsedArticle] | Iterable[GeoparsedArticle]) -> tuple[PlaceMentions, ...]:
    """Merge mentions by place id, roles kept apart (toponyms in ``mentions``, demonyms in ``associative``).

    Places named by a toponym come first, in the order of their first toponym (as without
    demonyms: the plotted places and their order do not depend on them); then the countries
    only demonyms involve, in the order of their first demonym.
    """
    named: dict[str, list[Mention]] = {}
    associative: dict[str, list[Mention]] = {}
    places: dict[str, Place] = {}
    for doc in docs:
        for mention in doc.mentions:
            places.setdefault(mention.place.id, mention.place)
            (associative if mention.role == ASSOCIATIVE else named).setdefault(mention.place.id, []).append(mention)
    order = [*named, *(pid for pid in associative if pid not in named)]
    return tuple(PlaceMentions(places[pid], tuple(named.get(pid, ())), tuple(associative.get(pid, ()))) for pid in order)
