"""places.confidence: the confidence of countries and capitals named plainly in world news, and of
names that stay in doubt (short texts written for these tests)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from places.confidence import (CAPITAL_EXONYMS, FEATURES, WEIGHTS_PATH, Evidence, calibrated, feature_vector,
                               lone_national, world_news)
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

# One country named, and nothing else or only places in it: (text, span, kind, country), >= 0.92 (no
# namesake elsewhere of 1,000 people: a lone Moscow, which Moscow, Idaho shares, is not among them).
ONE_COUNTRY = (
    ("Iran said on Monday it would resume enrichment.", "Iran", N, "IR"),
    ("Officials in Beijing said the plan would go ahead.", "Beijing", C, "CN"),
    ("The meeting in Tokyo ended without an agreement.", "Tokyo", C, "JP"),
    ("Canberra announced new visa rules on Friday.", "Canberra", C, "AU"),
    ("Officials in Kiev said the talks would resume.", "Kiev", C, "UA"),  # an English exonym of Kyiv
    ("Germany said it would send more troops.", "Germany", N, "DE"),
    ("The government of Pakistan said it would appeal.", "Pakistan", N, "PK"),
    ("Officials in Nairobi said the vote would go ahead.", "Nairobi", C, "KE"),
    ("Pyongyang said on Tuesday it had tested a missile.", "Pyongyang", C, "KP"),
    ("Troops massed near Kiev overnight.", "Kiev", C, "UA"),
    # Two capitals, no country named.
    ("Talks between Seoul and Tokyo resumed on Monday.", "Seoul", C, "KR"),
)

# One country named, whose name a town elsewhere of 1,000 people shares, and other places in it
# named too: (text, span, kind, country), >= 0.85 (on the fit corpora 37 of 42 such are right).
NAMESAKE_BACKED = (
    ("Officials in Moscow and St Petersburg said the talks would resume.", "Moscow", C, "RU"),
    ("Cases of bird flu were reported in Egypt, in Giza and Minya.", "Egypt", N, "EG"),
    ("Fighting spread across Lebanon, from Tyre to Sidon.", "Lebanon", N, "LB"),
    ("Thousands marched in Paris on Saturday; police in Lyon and Marseille reported clashes.", "Paris", C, "FR"),
)

# (text, span, most): names that must stay in doubt, whatever they are read as.
DOUBTFUL = (
    ("The Springfield council voted on Monday.", "Springfield", 0.7),  # dozens of Springfields, no clue
    ("Police in Alexandria said the bridge on Main Street would close.", "Alexandria", 0.7),  # Egypt or Virginia
    ("Jordan scored twice as the Bulls beat Boston.", "Jordan", 0.5),  # a player, not the country
    # A capital's name in a story about another country's towns: Dublin, Ohio, or a wrong Dublin.
    ("Dublin police closed the bridge. Crews from Columbus, Westerville and Hilliard helped.", "Dublin", 0.9),
    # A lone Georgia in a US local story: the country's name is also a US state's.
    ("Georgia lawmakers passed the bill on Tuesday. The governor signed it in the afternoon.", "Georgia", 0.7),
    ("Jordan said he would retire after the season.", "Jordan", 0.5),  # a person
    # The same names with nothing else in their country named: on the fit corpora 4 of 14 such
    # mentions are right (Paris, Texas; Malta, Illinois; Lebanon, Pennsylvania; Athens, Tennessee …).
    ("Thousands marched in Paris on Saturday.", "Paris", 0.63),
    ("Fighting spread across Lebanon.", "Lebanon", 0.63),
    # Names inside an organisation's name: corpora do not annotate them as places.
    ("The United States Department of Agriculture recalled the beef.", "United States", 0.9),
    ("The state broadcaster Radio Pyongyang said the outbreak was over.", "Pyongyang", 0.9),
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


@pytest.mark.parametrize("text,span,kind,country", ONE_COUNTRY, ids=[s for _, s, _, _ in ONE_COUNTRY])
def test_a_country_or_capital_named_plainly_alone_is_near_certain(parser, text, span, kind, country):
    m = _mentions(parser, text).get(span)
    assert m is not None and m.place.kind is kind and m.place.country == country, m and m.place
    assert m.confidence >= 0.92, m.confidence


@pytest.mark.parametrize("text,span,kind,country", NAMESAKE_BACKED, ids=[s for _, s, _, _ in NAMESAKE_BACKED])
def test_a_lone_name_with_a_namesake_elsewhere_is_backed_by_other_places_in_its_country(parser, text, span, kind, country):
    m = _mentions(parser, text).get(span)
    assert m is not None and m.place.kind is kind and m.place.country == country, m and m.place
    assert m.confidence >= 0.85, m.confidence


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
    assert world_news(capital) and not lone_national(capital)
    assert world_news(_evidence(kind=Kind.COUNTRY, capital=False, rival_share=0.9, rival_support=3.0))
    assert world_news(replace(capital, alias=True, exonym=True))  # "Kiev"
    for doubt in (dict(weak=True), dict(common=True), dict(alias=True), dict(countries=1), dict(capital=False),
                  dict(rival_share=0.5), dict(rival_support=2.2), dict(glued=True)):
        assert not world_news(replace(capital, **doubt)), doubt
    alone = replace(capital, countries=1)
    assert lone_national(alone) and lone_national(replace(alone, countries=0))
    for doubt in (dict(glued=True), dict(alias=True), dict(capital=False), dict(rival_support=2.2)):
        assert not lone_national(replace(alone, **doubt)), doubt


def test_a_lone_name_is_less_sure_the_bigger_its_far_namesake():
    alone = _evidence(countries=1, kind=Kind.COUNTRY, capital=False)
    confidences = [calibrated(replace(alone, rival_prior=p)) for p in (0.0, 5e3, 3e5, 1e7)]
    assert confidences == sorted(confidences, reverse=True) and confidences[0] > confidences[-1]


def test_every_listed_exonym_reads_as_its_capital():
    gaz = shared_gazetteer()
    for name, country in CAPITAL_EXONYMS.items():
        (r,) = resolve(recognize(f"Officials in {name} said the talks would resume.", gaz), gaz)
        assert gaz.row(r.row).country == country and r.evidence.capital and r.evidence.exonym, name


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
