"""The map builder without Qt: page structure, local assets only, data safety."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import folium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from tests.support.grain import BLACK_SEA, ISTANBUL, ODESA, grain_doc
from viewer import mapbuilder, webassets
from viewer.mapbuilder import build_map, credit, excerpt_segments, map_page, render_page

# The hosts folium loads its defaults from; none of them may appear in our pages.
CDN_HOSTS = tuple(
    {urlsplit(url).netloc for _, url in folium.Map.default_js + folium.Map.default_css if "://" in url}
)

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _data(page: str) -> dict:
    """The page's one JSON block, which map.js draws (and the one call that draws it)."""
    match = re.search(r'<script type="application/json" id="gz-data">(.*?)</script>', page, re.S)
    assert match, "no map data in the page"
    assert len(re.findall(r"gazette\.build\([A-Za-z0-9_]+, ", page)) == 1
    return json.loads(match.group(1))


def _symbol(data: dict, place: dict) -> str:
    return data["kinds"][place["kind"]]["symbol"]


def test_app_page_loads_local_assets_bridge_and_no_cdn() -> None:
    page = render_page(build_map([grain_doc()]), mode="app")
    srcs = [a["src"] for t, a in _tags(page) if t == "script" and a.get("src")]
    hrefs = [a["href"] for t, a in _tags(page) if t == "link"]
    assert "qwebchannel" not in page and "bridge.js" not in page  # the window injects them (viewer.mapview)
    assert "assets/node_modules/leaflet/dist/leaflet.js" in srcs and srcs[-1] == "assets/js/map.js"
    for url in srcs + hrefs:
        assert url.startswith("assets/") and (webassets.ASSETS_DIR / url.removeprefix("assets/")).is_file()
    assert not any(host in page for host in CDN_HOSTS)
    csp = _csp(page)
    assert page.index("Content-Security-Policy") < page.index("<script")  # covers every script
    assert "default-src 'none'" in csp and "'unsafe-eval'" not in csp and "http" not in csp
    assert "script-src gazette: 'unsafe-inline';" in csp and "img-src gazette: data:;" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "connect-src gazette:;" in csp


def _csp(page: str) -> str:
    return next(a["content"] for t, a in _tags(page) if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("basemap", "img_src"),
    [
        ("osm", "img-src gazette: data: https://tile.openstreetmap.org;"),
        ("positron", "img-src gazette: data: " + " ".join(f"https://{s}.basemaps.cartocdn.com" for s in "abcd") + ";"),
        ("http://127.0.0.1:8123/{z}/{x}/{y}.png", "img-src gazette: data: http://127.0.0.1:8123;"),
        ("http://{s}.tiles.test/{z}/{x}/{y}.png", "img-src gazette: data: " + " ".join(f"http://{s}.tiles.test" for s in "abc") + ";"),
        # A template that would smuggle a directive in is left out of the policy.
        ("http://evil;script-src *;/{z}/{x}/{y}.png", "img-src gazette: data:;"),
    ],
)
def test_app_page_allows_images_only_from_the_chosen_tiles(basemap: str, img_src: str) -> None:
    csp = _csp(render_page(build_map([grain_doc()], basemap=basemap), mode="app"))
    assert img_src in csp
    assert csp.count("script-src") == 1 and "*" not in csp


def test_standalone_page_inlines_everything_under_a_csp() -> None:
    page = render_page(build_map([grain_doc()]), mode="standalone")
    tags = _tags(page)
    assert not [a for t, a in tags if t == "script" and a.get("src")]
    assert not [t for t, _ in tags if t == "link"]
    assert not any(host in page for host in CDN_HOSTS)
    assert "bridge.js" not in page and "qwebchannel" not in page
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "img-src data:" in csp and "http" not in csp
    # icons and Leaflet's own images became data: URIs; the basemap is inline
    assert "url(../icons/" not in page and "url(images/" not in page
    assert page.count("data:image/svg+xml;base64,") >= 6
    assert '<script type="application/json" id="gz-world">{"type":"Topology"' in page
    assert "L.Marker" in page or "Marker" in page  # Leaflet itself is in the file


def test_folium_cdn_defaults_are_replaced_by_local_assets() -> None:
    assert len(CDN_HOSTS) >= 3  # the check above is not vacuous
    fmap = build_map([grain_doc()])
    for _, url in fmap.default_js + fmap.default_css:
        assert url.startswith("assets/") and (webassets.ASSETS_DIR / url.removeprefix("assets/")).is_file()


def test_places_payload_carries_every_place_and_excerpt() -> None:
    doc = grain_doc()
    page = map_page([doc])
    data = _data(page)
    places = data["places"]
    assert [p["id"] for p in places] == ["geonames:698740", "curated:black-sea", "geonames:745044", "country:TR", "country:TV"]
    istanbul = next(p for p in places if p["name"] == "Istanbul")
    assert istanbul["count"] == 2 and _symbol(data, istanbul) == "city"
    excerpts = istanbul["articles"][0]["excerpts"]
    assert len(excerpts) == 2
    assert ["Istanbul", True] in excerpts[0] and "".join(s for s, _ in excerpts[0]).startswith("The convoy")
    turkey = next(p for p in places if p["id"] == "country:TR")
    assert turkey["isoNumeric"] == "792" and _symbol(data, turkey) == "country"
    assert _symbol(data, next(p for p in places if p["name"] == "Black Sea")) == "water"
    assert data["kinds"]["county"]["label"] == "County or district" and data["legend"]["region"] == "Region"
    info = data["info"]
    assert info["title"] == "Grain corridor" and info["sources"][0]["source"] == "grain.txt"  # type: ignore[index]
    assert "Natural Earth" in data["attributions"]


def test_connections_join_places_named_in_one_sentence() -> None:
    page = render_page(build_map([grain_doc()], connections=True), mode="app")
    links = _data(page)["connections"]
    pairs = {frozenset(link["ids"]) for link in links}  # type: ignore[union-attr]
    assert frozenset({"curated:black-sea", "geonames:745044"}) in pairs
    assert frozenset({"geonames:698740", "geonames:745044"}) not in pairs
    assert _data(map_page([grain_doc()]))["connections"] is None


def test_an_online_basemap_reaches_the_csp_and_the_data() -> None:
    page = render_page(build_map([grain_doc()], basemap="imagery"), mode="standalone")
    assert "https://server.arcgisonline.com" in page.split("<title>")[0]  # in the CSP
    basemap = _data(page)["basemap"]
    assert basemap["tiles"]["name"] == "imagery" and "Esri" in basemap["tiles"]["attribution"]
    assert "offline" not in basemap


HOSTILE = [
    "</script><script>window.__gazette_pwned=1</script>",
    '<img src=x onerror="window.__gazette_pwned=2">',
    "{{ 7*7 }} {% if true %}jinja{% endif %}",
    "`${window.__gazette_pwned=3}` \u2028\u2029 \u202etxt.exe <!-- x",
    "javascript:alert(1) 'single' \"double\" & &amp;",
]


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("mode", ["app", "standalone"])
def test_hostile_text_stays_data(payload: str, mode: str) -> None:
    text = f"Talks in Odesa ended. {payload} was posted from Odesa."
    evil = Place("curated:evil", payload, 10.0, 10.0, Kind.LANDFORM, "", "", 0, payload)
    doc = grain_doc(text, (ODESA,))
    doc = GeoparsedArticle(
        Article("evil", payload, text, source=payload),
        doc.mentions + (Mention("evil", 0, 5, "Talks", evil, payload, 0),),
    )
    page = render_page(build_map([doc], title=payload), mode=mode)  # type: ignore[arg-type]
    if "<" in payload:
        assert payload not in page  # never as markup, anywhere
    assert "\u2028" not in page.split("</title>")[1]
    # the text arrives in the page data unchanged
    places = _data(page)["places"]
    assert places[-1]["name"] == payload
    excerpt = "".join(s for s, _ in places[0]["articles"][0]["excerpts"][-1])
    assert payload in excerpt
    assert _data(page)["info"]["title"] == payload
    script_tags = [t for t, _ in _tags(page) if t == "script"]
    baseline = [t for t, _ in _tags(render_page(build_map([grain_doc(text, (ODESA,))]), mode=mode)) if t == "script"]  # type: ignore[arg-type]
    assert len(script_tags) == len(baseline)


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=4))
def test_excerpt_segments_cover_the_excerpt(excerpt: str, ranges: list[tuple[int, int]]) -> None:
    segments = excerpt_segments(excerpt, ranges)
    assert "".join(text for text, _ in segments) == excerpt
    marked = [text for text, is_mark in segments if is_mark]
    assert all(marked)
    assert all(not (a[1] and b[1]) for a, b in zip(segments, segments[1:]))


def test_excerpt_segments_marks_the_mention() -> None:
    assert excerpt_segments("Ships left Odesa today.", [(11, 16)]) == [
        ("Ships left ", False), ("Odesa", True), (" today.", False)
    ]


def test_iso_numeric_matches_world_atlas_ids() -> None:
    topo = json.loads(webassets.read_text(webassets.BASEMAP_TOPOJSON))
    ids = {g.get("id"): g["properties"]["name"] for g in topo["objects"]["countries"]["geometries"]}
    assert ids[mapbuilder.iso_numeric("KP")] == "North Korea"
    assert ids[mapbuilder.iso_numeric("ru")] == "Russia"
    assert mapbuilder.iso_numeric("AL") == "008" and ids["008"] == "Albania"
    assert mapbuilder.iso_numeric("ZZ") == ""


def test_no_docs_and_many_docs() -> None:
    assert _data(map_page([]))["places"] == []
    two = [grain_doc(), grain_doc(article_id="grain-2")]
    page = render_page(build_map(two), mode="app")
    assert _data(page)["info"]["title"] == "2 articles"
    odesa = _data(page)["places"][0]
    assert odesa["count"] == 2 and [a["id"] for a in odesa["articles"]] == ["grain", "grain-2"]
    assert _data(page)["articles"] == {"grain": "Grain corridor", "grain-2": "Grain corridor"}  # once, not per place


def test_render_page_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError):
        render_page(build_map([grain_doc()]), mode="pdf")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("https://en.wikipedia.org/wiki/Vostochny_Cosmodrome", ("Wikipedia", "https://en.wikipedia.org/")),
        ("http://www.example.org:8080/a/very/long/page?x=1", ("example.org", "http://www.example.org/")),
        ("GeoNames (centre of the area its towns cover)", ("GeoNames", "https://www.geonames.org/")),
        ("OpenStreetMap Nominatim", ("OpenStreetMap Nominatim", "")),
        ("  Roscosmos;  press release 2016 ", ("Roscosmos", "")),
        ("javascript:alert(1)", ("", "")),
        ("data:text/html,<script>alert(1)</script>", ("", "")),
        ('https://evil.example"><script>alert(1)</script>', ("", "")),
        ("", ("", "")),
    ],
)
def test_credit_is_short_and_links_only_http(source: str, expected: tuple[str, str]) -> None:
    assert credit(source) == expected


def test_long_citations_are_cut() -> None:
    name, link = credit("A very long citation of a printed atlas in three volumes with maps")
    assert name.endswith("…") and len(name) <= 40 and link == ""


def test_attributions_are_site_names_not_urls() -> None:
    page_url = "https://en.wikipedia.org/wiki/Black_Sea"
    sea = dataclasses.replace(BLACK_SEA, source=page_url)
    places = _data(render_page(build_map([grain_doc(places=(ODESA, sea, ISTANBUL))]), mode="app"))
    assert places["attributions"] == ["Natural Earth", "GeoNames", "Wikipedia"]  # type: ignore[index]
    links = places["attributionLinks"]  # type: ignore[index]
    assert links["Wikipedia"] == "https://en.wikipedia.org/"
    assert all(url.startswith(("https://", "http://")) for url in links.values())
    assert page_url not in str(places["attributions"])  # type: ignore[index]


def _involved_doc() -> GeoparsedArticle:
    """Our own words: Russia named once and twice through "Russian"; China only through "Chinese"."""
    text = "Russian ships left Russia for Odesa. Chinese and Russian crews met at Odesa."
    russia = Place("country:RU", "Russia", 61.5, 105.3, Kind.COUNTRY, "RU", "Russia")
    china = Place("country:CN", "China", 35.0, 103.0, Kind.COUNTRY, "CN", "China")
    odesa = Place("geonames:698740", "Odesa", 46.48, 30.73, Kind.CITY, "UA", "Ukraine")

    def at(word: str, place: Place, nth: int = 0, role: str = "toponym") -> Mention:
        start = -1
        for _ in range(nth + 1):
            start = text.index(word, start + 1)
        return Mention("a", start, start + len(word), word, place, text, 0, role=role)

    mentions = [at("Russian", russia, role="associative"), at("Russia", russia, 1), at("Odesa", odesa),
                at("Chinese", china, role="associative"), at("Russian", russia, 1, role="associative"), at("Odesa", odesa, 1)]  # fmt: skip
    return GeoparsedArticle(Article("a", "Crews", text), tuple(mentions))


def test_demonyms_count_toward_their_country_as_associative_mentions_never_as_named_ones() -> None:
    data = _data(map_page([_involved_doc()], connections=True))
    places = {p["id"]: p for p in data["places"]}
    russia, china = places["country:RU"], places["country:CN"]
    assert russia["count"] == 1 and russia["associative"]["labels"] == ["Russian — 2 associative mentions"]
    assert russia["associative"]["count"] == 2
    marked = [s for e in russia["associative"]["articles"][0]["excerpts"] for s, on in e if on]
    assert marked == ["Russian", "Russian"]
    assert china["count"] == 0 and china["associative"]["labels"] == ["Chinese — 1 associative mention"]
    assert china["isoNumeric"] == "156"  # a shape to shade, not a pin
    assert "associative" not in places["geonames:698740"]
    assert data["info"]["summary"] == "2 places, 3 mentions"  # China is shaded, not counted as named
    pairs = {frozenset(link["ids"]) for link in data["connections"]}
    assert all("country:CN" not in pair for pair in pairs)  # a demonym places nothing in its sentence


def test_the_page_data_carries_each_dated_articles_day() -> None:
    from tests.support.synthetic import synthetic_docs

    dated = synthetic_docs(places=6, articles=3, days=2)
    odd = dataclasses.replace(dated[2], article=dataclasses.replace(dated[2].article, id="odd", published="last spring"))
    undated = synthetic_docs(places=2, articles=1, dated=False, seed=3)
    undated = [dataclasses.replace(undated[0], article=dataclasses.replace(undated[0].article, id="none"))]
    offset = dataclasses.replace(dated[1], article=dataclasses.replace(dated[1].article, id="tz", published="2024-03-05T23:30:00-05:00"))
    data = mapbuilder.map_data([dated[0], dated[1], odd, offset, *undated], tiles=None, connections=False, title="t")
    # The day as the article gives it (its own offset kept), none for no or unreadable dates.
    assert data["dates"] == {"a0": "2024-03-04", "a1": "2024-03-05", "tz": "2024-03-05"}


def test_the_page_data_is_one_compact_block_at_scale() -> None:
    from tests.support.synthetic import synthetic_docs

    page = map_page(synthetic_docs(places=2000, articles=200, days=30), mode="standalone")
    data = re.search(r'<script type="application/json" id="gz-data">(.*?)</script>', page, re.DOTALL)
    assert data and len(json.loads(data.group(1))["places"]) == 2000
    # No generated JS statement per marker: the page's own script is the one build call.
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert scripts[-1].count("gazette.build(") == 1 and "Place 1999" not in scripts[-1]
    assert len(scripts[-1]) < 2000
