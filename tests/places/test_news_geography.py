"""Short news texts (written for these tests) naming the geography geopolitical news is about.

Each case says, per mention, what must be found (the span as written, its kind, a point it must
lie near) and what must not be plotted (persons, common words, job titles, demonyms,
organisations). Negatives outnumber positives: a map that plots a drummer called Chad is worse
than one that misses a shoal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from places.gazetteer import haversine_km
from places.geoparse import GeoparseOptions, Geoparser
from places.model import Article, Kind
from places.recognize import RecognizeOptions
from tests.support.gazetteer import shared_gazetteer

W, L, A, F, C, R, N = Kind.WATER, Kind.LANDFORM, Kind.AREA, Kind.FACILITY, Kind.CITY, Kind.REGION, Kind.COUNTRY


@dataclass(frozen=True)
class Want:
    """A mention that must be found: ``span`` exactly as written (its ``nth`` occurrence)."""

    span: str
    kind: Kind | tuple[Kind, ...]  # an island named like its town may be read as either
    lat: float
    lon: float
    km: float
    nth: int = 0
    min_confidence: float = 0.0


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    want: tuple[Want, ...]
    never: tuple[str, ...] = field(default=())  # phrases no mention may overlap (every occurrence)


CASES = (
    # -- islands, archipelagos, shoals, reefs -------------------------------------------------
    Case("shoals",
         "Chinese coast guard vessels fired water cannon at a Philippine supply boat near Second Thomas "
         "Shoal on Saturday, the latest clash in the Spratly Islands. Manila also accused Beijing of "
         "blocking its fishermen at Scarborough Shoal.",
         (Want("Second Thomas Shoal", L, 9.74, 115.87, 30), Want("Spratly Islands", L, 10.0, 114.0, 300),
          Want("Manila", C, 14.60, 120.98, 30), Want("Beijing", C, 39.91, 116.40, 30),
          Want("Scarborough Shoal", L, 15.15, 117.76, 30)),
         ("Chinese coast guard", "Philippine supply", "Saturday", "water cannon")),
    Case("archipelagos",
         "Japan scrambled fighter jets as drones flew between Okinawa and the Senkaku Islands. Further "
         "north, Russia keeps troops on the Kuril Islands, which Tokyo calls its Northern Territories.",
         (Want("Japan", N, 36.0, 138.0, 300), Want("Senkaku Islands", L, 25.75, 123.5, 80),
          Want("Russia", N, 60.0, 100.0, 300), Want("Kuril Islands", L, 46.5, 151.5, 600),
          Want("Tokyo", C, 35.69, 139.69, 40)),
         ("fighter jets", "Further", "troops")),
    Case("islands",
         "More migrant boats from Senegal reached the Canary Islands this year, while arrivals on the "
         "Greek island of Lesbos fell. Aid groups on Lampedusa said their shelter was full.",
         (Want("Senegal", N, 14.5, -14.5, 300), Want("Canary Islands", R, 28.3, -15.8, 300),
          Want("Lesbos", (L, R), 39.2, 26.3, 60), Want("Lampedusa", (L, C), 35.51, 12.59, 30)),
         ("Greek island", "Aid groups", "migrant boats")),
    Case("reefs",
         "Coral bleaching has spread along the Great Barrier Reef, scientists in Cairns said.",
         (Want("Great Barrier Reef", L, -18.3, 147.7, 800), Want("Cairns", C, -16.92, 145.77, 30)),
         ("Coral bleaching", "scientists")),
    # -- rivers: the river, never the country or town named like it ---------------------------
    Case("niger-river",
         "Floods along the Niger river have displaced thousands of families in Niamey, officials said.",
         (Want("Niger river", W, 13.5, 2.1, 1200), Want("Niamey", C, 13.51, 2.11, 30)),
         ("Floods", "officials", "families")),
    Case("river-thames",
         "The River Thames burst its banks upstream of Oxford after a week of rain.",
         (Want("River Thames", W, 51.5, -0.9, 150), Want("Oxford", C, 51.75, -1.26, 30)),
         ("its banks", "week")),
    Case("x-river",
         "Ukrainian marines crossed the Dnipro River near Kherson, while pilgrims in the Jordan River "
         "valley stayed home. Barges on the Rhine River ran aground near Cologne.",
         (Want("Dnipro River", W, 47.5, 33.5, 600), Want("Kherson", (C, R), 46.64, 32.61, 100),
          Want("Jordan River", W, 32.3, 35.56, 120), Want("Rhine River", W, 50.0, 7.8, 500),
          Want("Cologne", C, 50.94, 6.96, 30)),
         ("Ukrainian marines", "pilgrims", "Barges")),
    Case("mekong",
         "The Mekong River is running at its lowest level in decades, fishermen in Cambodia say.",
         (Want("Mekong River", W, 15.0, 105.0, 1200), Want("Cambodia", N, 12.5, 105.0, 300)),
         ("fishermen", "decades")),
    # -- lakes, mountains, deserts --------------------------------------------------------------
    Case("lakes",
         "Ethiopia's dam has raised fears downstream, and water levels in Lake Tana have fallen. "
         "Fishermen on Lake Victoria blame the drought.",
         (Want("Ethiopia", N, 9.0, 39.5, 300), Want("Lake Tana", W, 12.0, 37.3, 60),
          Want("Lake Victoria", W, -1.0, 33.0, 200)),
         ("Fishermen", "the drought", "water levels")),
    Case("mountains",
         "Snow closed the passes of the Hindu Kush north of Kabul. Smugglers still cross the Pyrenees "
         "between France and Spain, and lithium miners are moving into the Andes.",
         (Want("Hindu Kush", L, 35.5, 70.5, 400), Want("Kabul", C, 34.53, 69.17, 30),
          Want("Pyrenees", L, 42.67, 1.0, 200), Want("France", N, 46.0, 2.0, 300),
          Want("Spain", N, 40.0, -4.0, 300), Want("Andes", L, -20.0, -67.0, 2000)),
         ("Snow", "Smugglers", "lithium miners")),
    Case("deserts",
         "Sandstorms from the Gobi Desert reached Beijing on Tuesday. In the Negev, Bedouin villages "
         "still lack power, and herders in the Kalahari face another dry year.",
         (Want("Gobi Desert", L, 42.6, 103.5, 700), Want("Beijing", C, 39.91, 116.40, 30),
          Want("Negev", L, 30.8, 34.8, 120), Want("Kalahari", L, -23.0, 22.0, 800)),
         ("Sandstorms", "Tuesday", "Bedouin villages", "herders")),
    # -- border and conflict regions ------------------------------------------------------------
    Case("liptako-gourma",
         "Jihadist groups have spread across Liptako-Gourma, the border zone shared by Mali, Burkina "
         "Faso and Niger.",
         (Want("Liptako-Gourma", A, 14.5, 0.0, 300), Want("Mali", N, 17.0, -4.0, 400),
          Want("Burkina Faso", N, 12.5, -1.5, 300), Want("Niger", N, 17.0, 9.0, 600)),
         ("Jihadist groups", "border zone")),
    Case("corridors",
         "NATO planners worry most about the Suwalki Gap between Poland and Lithuania. In Central Asia, "
         "water disputes flare in the Fergana Valley.",
         (Want("Suwalki Gap", A, 54.1, 23.3, 80), Want("Poland", N, 52.0, 19.5, 300),
          Want("Lithuania", N, 55.5, 24.0, 200), Want("Fergana Valley", A, 40.9, 71.8, 150)),
         ("NATO planners", "water disputes")),
    # -- airports --------------------------------------------------------------------------------
    Case("airports",
         "Hundreds of flights were cancelled at Heathrow after a fire cut its power. A passenger who "
         "landed at JFK from Lagos was taken to hospital, and Ben Gurion Airport closed briefly when "
         "sirens sounded over Tel Aviv.",
         (Want("Heathrow", F, 51.4706, -0.4619, 5), Want("JFK", F, 40.64, -73.78, 5),
          Want("Lagos", C, 6.45, 3.39, 30), Want("Ben Gurion Airport", F, 32.0114, 34.8867, 5),
          Want("Tel Aviv", C, 32.08, 34.78, 20)),
         ("Hundreds", "passenger", "hospital", "sirens")),
    Case("airport-codes-as-words",
         "The CIA briefed reporters from CNN and ABC. The former spy chief Allen Dulles was quoted.",
         (),
         ("CIA", "CNN", "ABC", "Allen Dulles")),
    # -- province and state abbreviations after a town and in datelines -------------------------
    Case("canada-abbreviations",
         "KELOWNA, B.C. — Wildfire crews near Kelowna, B.C., were joined by firefighters from Kingston, "
         "Ont., and Red Deer, Alta., on Monday.",
         (Want("KELOWNA", C, 49.888, -119.496, 25), Want("B.C.", R, 54.0, -125.0, 100),
          Want("Kelowna", C, 49.888, -119.496, 25), Want("B.C.", R, 54.0, -125.0, 100, nth=1),
          Want("Kingston", C, 44.23, -76.48, 25), Want("Ont.", R, 50.0, -85.0, 100),
          Want("Red Deer", C, 52.27, -113.81, 25), Want("Alta.", R, 55.0, -115.0, 100)),
         ("Wildfire crews", "firefighters", "Monday")),
    Case("dateline-nova-scotia",
         "HALIFAX, N.S. — The province's fishing fleet stayed in port as the storm approached.",
         (Want("HALIFAX", C, 44.65, -63.57, 25), Want("N.S.", R, 45.0, -63.0, 100)),
         ("fishing fleet", "storm")),
    Case("australia-abbreviations",
         "A cyclone crossed the coast north of Townsville, Qld, while farmers near Dubbo, N.S.W., "
         "welcomed the rain.",
         (Want("Townsville", C, -19.26, 146.82, 25), Want("Qld", R, -23.0, 143.0, 100),
          Want("Dubbo", C, -32.25, 148.60, 25), Want("N.S.W.", R, -32.0, 147.0, 100)),
         ("cyclone", "farmers")),
    Case("district-of-columbia",
         "Thousands marched in Washington, D.C., on Sunday to demand a ceasefire.",
         (Want("Washington", C, 38.895, -77.036, 20), Want("D.C.", R, 38.9, -77.02, 20)),
         ("Thousands", "Sunday", "ceasefire")),
    # -- person guards: a first name before a place name is a person -----------------------------
    Case("person-chad",
         "The drummer Chad Smith played a benefit show in Los Angeles for flood victims.",
         (Want("Los Angeles", C, 34.05, -118.24, 30),),
         ("Chad Smith", "flood victims")),
    Case("person-georgia",
         "Georgia Brown, a nurse from Atlanta, said the clinic had run out of insulin.",
         (Want("Atlanta", C, 33.75, -84.39, 30),),
         ("Georgia Brown", "nurse", "insulin")),
    Case("person-jordan-and-the-country",
         "Jordan Peterson spoke in Toronto before flying to Jordan, where he met refugees.",
         (Want("Toronto", C, 43.70, -79.42, 30), Want("Jordan", N, 31.0, 36.0, 200, nth=1)),
         ("Jordan Peterson", "refugees")),
    Case("person-paris",
         "Paris Hilton opened a boutique in Dubai last week.",
         (Want("Dubai", C, 25.07, 55.17, 40),),
         ("Paris Hilton", "boutique")),
    Case("person-more",
         "Florence Pugh and Sydney Sweeney were photographed in London with Austin Butler and Victoria "
         "Beckham.",
         (Want("London", C, 51.51, -0.13, 30),),
         ("Florence Pugh", "Sydney Sweeney", "Austin Butler", "Victoria Beckham")),
    Case("the-country-chad",
         "Soldiers from Chad and Niger joined the regional force in Mali.",
         (Want("Chad", N, 15.0, 19.0, 500), Want("Niger", N, 17.0, 9.0, 600), Want("Mali", N, 17.0, -4.0, 400)),
         ("Soldiers", "regional force")),
    # -- capitalised common words at the start of a sentence ------------------------------------
    Case("sentence-start-common-words",
         "Cargo ship traffic through the Red Sea has halved. Split decision: the judges gave the fight to "
         "the challenger. Delta flights to Atlanta resumed. Reading the report, ministers were alarmed. "
         "Mobile networks went down across the region.",
         (Want("Red Sea", W, 20.0, 38.5, 600), Want("Atlanta", C, 33.75, -84.39, 30)),
         ("Cargo", "Split", "Delta", "Reading", "Mobile", "judges", "challenger", "ministers")),
    Case("sentence-start-more",
         "Orange alerts were issued for the coast. Nice weather returned by Friday. Hope faded for the "
         "missing sailors. Bath water was declared safe. Independence Day parades were cancelled.",
         (),
         ("Orange", "Nice", "Hope", "Bath", "Independence", "Friday", "sailors")),
    Case("split-with-evidence",
         "Split, Croatia's second city, hosted the summit. Ferries from Split to Hvar were full.",
         (Want("Split", C, 43.51, 16.44, 25), Want("Croatia", N, 45.2, 15.5, 200),
          Want("Split", C, 43.51, 16.44, 25, nth=1), Want("Hvar", (L, C), 43.15, 16.7, 40)),
         ("summit", "Ferries")),
    # -- job descriptions are not places ---------------------------------------------------------
    Case("job-descriptions",
         "Cholera is spreading in West Africa, our West Africa correspondent reports. The paper's "
         "Middle East editor and its Washington bureau chief disagreed.",
         (Want("West Africa", A, 12.0, -3.0, 1500),),
         ("West Africa correspondent", "Middle East editor", "Washington bureau chief", "Cholera")),
    Case("job-descriptions-more",
         "Our Asia editor and the Africa correspondent both filed from Nairobi. The Europe reporter stayed "
         "home.",
         (Want("Nairobi", C, -1.28, 36.82, 30),),
         ("Asia editor", "Africa correspondent", "Europe reporter")),
    # -- capitals and countries in plain sentences are near certain ------------------------------
    Case("plain-capitals",
         "Moscow and Pyongyang signed a defence pact. Russia will send engineers to North Korea.",
         (Want("Moscow", C, 55.75, 37.62, 30, min_confidence=0.9),
          Want("Pyongyang", C, 39.03, 125.75, 30, min_confidence=0.9),
          Want("Russia", N, 60.0, 100.0, 300, min_confidence=0.9),
          Want("North Korea", N, 40.0, 127.0, 300, min_confidence=0.9)),
         ("defence pact", "engineers")),
    # -- supranational bodies are actors, not places in the geoparse output ----------------------
    Case("supranational",
         "NATO leaders met in Vilnius while the EU and the African Union weighed sanctions; ASEAN "
         "ministers gathered in Jakarta.",
         (Want("Vilnius", C, 54.69, 25.28, 30), Want("Jakarta", C, -6.21, 106.85, 30)),
         ("NATO", "EU", "African Union", "ASEAN")),
)


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return Geoparser(shared_gazetteer())


def _nth(text: str, span: str, nth: int) -> int:
    at = -1
    for _ in range(nth + 1):
        at = text.find(span, at + 1)
        assert at >= 0, f"{span!r} occurs fewer than {nth + 1} times in the case text"
    return at


def test_negatives_outnumber_positives():
    wants = sum(len(c.want) for c in CASES)
    nevers = sum(len(c.never) for c in CASES)
    assert nevers >= wants, (nevers, wants)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(parser, case: Case):
    mentions = parser.parse(Article(id=case.id, title="", text=case.text)).mentions
    by_span = {(m.start, m.end): m for m in mentions}
    problems = []
    for w in case.want:
        start = _nth(case.text, w.span, w.nth)
        m = by_span.get((start, start + len(w.span)))
        if m is None:
            found = [(x.text, x.place.name) for x in mentions if x.start < start + len(w.span) and start < x.end]
            problems.append(f"missing {w.span!r} (overlapping: {found})")
            continue
        km = haversine_km(m.place.lat, m.place.lon, w.lat, w.lon)
        kinds = w.kind if isinstance(w.kind, tuple) else (w.kind,)
        if m.place.kind not in kinds or km > w.km:
            problems.append(f"{w.span!r} read as {m.place.name} ({m.place.kind}, {km:.0f} km off)")
        if m.confidence < w.min_confidence:
            problems.append(f"{w.span!r} at confidence {m.confidence:.2f} < {w.min_confidence}")
    for phrase in case.never:
        at = -1
        while (at := case.text.find(phrase, at + 1)) >= 0:
            hits = [x.text for x in mentions if x.start < at + len(phrase) and at < x.end]
            if hits:
                problems.append(f"{phrase!r} plotted as {hits}")
    assert not problems, problems


def test_demonyms_are_associative_mentions_of_their_country():
    text = "Russian forces shelled Kharkiv, and Chinese ships shadowed the convoy."
    default = Geoparser(shared_gazetteer()).parse(Article(id="d", title="", text=text)).mentions
    assert [m.text for m in default] == ["Kharkiv"]
    assert all(m.role == "toponym" for m in default)
    options = GeoparseOptions(recognize=RecognizeOptions(demonyms=True))
    with_demonyms = Geoparser(shared_gazetteer(), options=options).parse(Article(id="d", title="", text=text)).mentions
    roles = {m.text: (m.role, m.place.id) for m in with_demonyms}
    assert roles["Russian"] == ("associative", "country:RU")
    assert roles["Chinese"] == ("associative", "country:CN")
    assert roles["Kharkiv"][0] == "toponym"
