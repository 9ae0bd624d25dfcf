"""places.confidence: the confidence of countries and capitals named plainly in world news, and of
names that stay in doubt (short texts written for these tests)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from places.confidence import FEATURES, WEIGHTS_PATH, Evidence, calibrated, feature_vector, world_news
from places.gazetteer import haversine_km
from places.geoparse import Geoparser
from places.model import Article, Kind
from places.recognize import recognize
from places.resolve import resolve
from tests.conftest import shared_path
from tests.support.gazetteer import shared_gazetteer

C, N = Kind.CITY, Kind.COUNTRY

# (text, [(span, kind, country)]): every listed mention must read so, at confidence >= 0.9.
PLAIN = (
    ("Ukraine said on Tuesday that Russian drones had struck Kyiv overnight. The United States imposed new "
     "sanctions, and officials held talks in Washington.",
     (("Ukraine", N, "UA"), ("Kyiv", C, "UA"), ("United States", N, "US"), ("Washington", C, "US"))),
    ("China protested after South Korea and Japan agreed to share intelligence. Beijing summoned envoys from "
     "Seoul and Tokyo, and Russia said Moscow was watching closely.",
     (("China", N, "CN"), ("South Korea", N, "KR"), ("Japan", N, "JP"), ("Beijing", C, "CN"), ("Seoul", C, "KR"),
      ("Tokyo", C, "JP"), ("Russia", N, "RU"), ("Moscow", C, "RU"))),
    ("The US said it would send more aid to Ukraine. France and Germany backed the plan.",
     (("US", N, "US"), ("Ukraine", N, "UA"), ("France", N, "FR"), ("Germany", N, "DE"))),
    ("Iran warned Israel after a strike near Damascus. Syria said its air defences responded.",
     (("Iran", N, "IR"), ("Israel", N, "IL"), ("Damascus", C, "SY"), ("Syria", N, "SY"))),
    ("Talks in London ended without a deal. Britain and Ireland will meet again in Dublin.",
     (("London", C, "GB"), ("Britain", N, "GB"), ("Ireland", N, "IE"), ("Dublin", C, "IE"))),
)

# (text, span, most): names that must stay in doubt, whatever they are read as.
DOUBTFUL = (
    ("The Springfield council voted on Monday.", "Springfield", 0.7),  # dozens of Springfields, no clue
    ("Police in Alexandria said the bridge on Main Street would close.", "Alexandria", 0.7),  # Egypt or Virginia
    ("Jordan scored twice as the Bulls beat Boston.", "Jordan", 0.5),  # a player, not the country
    # A capital's name in a story about another country's towns: Dublin, Ohio, or a wrong Dublin.
    ("Dublin police closed the bridge. Crews from Columbus, Westerville and Hilliard helped.", "Dublin", 0.9),
)


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return Geoparser(shared_gazetteer())


def _mentions(parser: Geoparser, text: str):
    return {m.text: m for m in parser.parse(Article(id="t", title="", text=text)).mentions}


@pytest.mark.parametrize("text,wants", PLAIN, ids=[t[:24] for t, _ in PLAIN])
def test_countries_and_capitals_in_plain_sentences_are_near_certain(parser, text, wants):
    found = _mentions(parser, text)
    problems = []
    for span, kind, country in wants:
        m = found.get(span)
        if m is None or m.place.kind is not kind or m.place.country != country:
            problems.append(f"{span!r} read as {m and (m.place.name, m.place.kind, m.place.country)}")
        elif m.confidence < 0.9:
            problems.append(f"{span!r} at {m.confidence:.3f}")
    assert not problems, problems


@pytest.mark.parametrize("text,span,most", DOUBTFUL, ids=[s for _, s, _ in DOUBTFUL])
def test_ambiguous_names_stay_in_doubt(parser, text, span, most):
    m = _mentions(parser, text).get(span)
    assert m is not None, f"{span!r} not found"
    assert m.confidence < most, (m.place.name, m.place.country, m.confidence)


def test_every_country_and_capital_of_the_seed_article_is_near_certain():
    gaz = shared_gazetteer()
    text = shared_path("articles", "putin-kim-vostochny.txt").read_text(encoding="utf-8")
    majors = {}
    for r in resolve(recognize(text, gaz), gaz):
        if r.evidence.kind is N or r.evidence.capital:
            majors[r.candidate.text] = min(r.confidence, majors.get(r.candidate.text, 1.0))
    # Its countries and capitals (Washington stands for the US government there).
    assert {"Russia", "North Korea", "South Korea", "Ukraine", "US", "Moscow", "Pyongyang", "Washington"} <= set(majors)
    assert {name: c for name, c in majors.items() if c < 0.9} == {}


def test_a_capital_is_the_capital_not_a_namesake_the_index_lifts_with_it():
    gaz = shared_gazetteer()
    world = "Officials in Washington and Moscow traded accusations, while Beijing urged calm."
    read = {r.candidate.text: r for r in resolve(recognize(world, gaz), gaz)}
    assert all(read[name].evidence.capital for name in ("Washington", "Moscow", "Beijing"))
    dc = gaz.row(read["Washington"].row)
    assert haversine_km(dc.lat, dc.lon, 38.895, -77.036) < 20
    local = "Washington, Iowa, held its fair. Crowds came from Iowa City and Ottumwa."
    town = next(r for r in resolve(recognize(local, gaz), gaz) if r.candidate.text == "Washington")
    row = gaz.row(town.row)
    assert row.admin1 == "Iowa" and not town.evidence.capital
    big = next(r for r in resolve(recognize("New York and Chicago", gaz), gaz) if r.candidate.text == "New York")
    assert not big.evidence.capital


def test_a_capital_whose_namesake_the_text_supports_is_not_world_news():
    gaz = shared_gazetteer()
    text = "Prices rose in Moscow and Boise, where Pullman and Lewiston shoppers compare."
    moscow = next(r for r in resolve(recognize(text, gaz), gaz) if r.candidate.text == "Moscow")
    # Read as Moscow, Idaho (its neighbours are named) or, if as Russia's, contested by it.
    row = gaz.row(moscow.row)
    assert row.country == "US" or not world_news(moscow.evidence)


def _evidence(**kw) -> Evidence:
    base = dict(margin=0.13, kind=Kind.CITY, prior=4e6, weak=False, common=False, hint=False, repeat=False,
                support=0.0, link=False, readings=32, alias=False, multiword=False, abbreviation=False,
                country_named=True, country_share=0.1, capital=True, countries=5)
    return Evidence(**{**base, **kw})


def test_world_news_rules():
    capital = _evidence()
    assert world_news(capital)
    assert world_news(_evidence(kind=Kind.COUNTRY, capital=False, rival_share=0.9, rival_support=3.0))
    for doubt in (dict(weak=True), dict(common=True), dict(alias=True), dict(countries=1), dict(capital=False),
                  dict(rival_share=0.5), dict(rival_support=2.2)):
        assert not world_news(replace(capital, **doubt)), doubt


def test_world_news_reading_ignores_the_namesakes_the_text_does_not_support():
    capital = _evidence()
    contested = replace(capital, rival_support=2.2)
    at = {name: k for k, name in enumerate(FEATURES)}
    assert feature_vector(capital)[at["margin"]] == feature_vector(capital)[at["readings"]] == 0.0
    assert feature_vector(contested)[at["margin"]] < 0 < feature_vector(contested)[at["readings"]]
    assert calibrated(capital) >= 0.9 > calibrated(contested)
    assert calibrated(replace(capital, weak=True)) < calibrated(capital)


def test_the_weights_file_has_every_feature():
    weights = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))["weights"]
    assert set(weights) == set(FEATURES)
