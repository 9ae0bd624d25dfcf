from __future__ import annotations

import pytest

from places.gazetteer import haversine_km
from places.recognize import recognize
from places.resolve import resolve
from tests.places._gazetteer_fixture import shared_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return shared_gazetteer()


def resolved(gaz, text):
    return [(r.candidate.text, gaz.place(r.row), r) for r in resolve(recognize(text, gaz), gaz)]


def test_prior_picks_the_famous_reading(gaz):
    (_, paris, r), = resolved(gaz, "She moved to Paris.")
    assert paris.country == "FR" and r.alternatives


def test_state_context_picks_the_local_reading(gaz):
    got = resolved(gaz, "Paris, Texas, is small. Officials in Paris said the Texas storm passed.")
    for text, place, _ in got:
        if text == "Paris":
            assert place.country == "US" and haversine_km(place.lat, place.lon, 33.66, -95.56) < 30


def test_country_context(gaz):
    got = dict((t, p) for t, p, _ in resolved(gaz, "Georgia and Russia fought over Abkhazia; Tbilisi protested."))
    assert got["Georgia"].id == "country:GE"
    got = dict((t, p) for t, p, _ in resolved(gaz, "Atlanta is the capital of Georgia, near Alabama."))
    assert got["Georgia"].id.startswith("region:US.")


def test_one_sense_per_document(gaz):
    got = resolved(gaz, "Springfield, Illinois, held a vote. Springfield voters agreed.")
    ids = {p.id for t, p, _ in got if t == "Springfield"}
    assert len(ids) == 1
