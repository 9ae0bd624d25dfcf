from __future__ import annotations

import math

import pytest

from places.gazetteer import haversine_km
from places.recognize import recognize
from places.resolve import resolve
from tests.support.gazetteer import shared_gazetteer


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


def _by_text(gaz, text):
    got: dict[str, list] = {}
    for t, place, _ in resolved(gaz, text):
        got.setdefault(t, []).append(place)
    return got


def test_a_bare_name_is_the_city_not_the_division_named_after_it(gaz):
    got = _by_text(gaz, "The ships sailed close to the coast past Constanța and Varna. Traders in Geneva watched.")
    for name, cc in (("Constanța", "RO"), ("Varna", "BG"), ("Geneva", "CH")):
        (place,) = got[name]
        assert place.kind == "city" and place.country == cc, (name, place)
    (r,) = [r for t, _, r in resolved(gaz, "Traders in Geneva watched.")]
    assert any(gaz.place(x).kind == "region" for x in r.alternatives)  # the canton stays an alternative


def test_the_text_can_say_it_means_the_division(gaz):
    cases = {
        "Floods hit Varna Province on Monday.": ("Varna", "BG"),
        "Snow fell across the Murmansk region.": ("Murmansk", "RU"),
        "Voters in the canton of Geneva agreed.": ("Geneva", "CH"),
        "A farm in the Romanian county of Brăila was closed.": ("Brăila", "RO"),  # a Romanian county is first-level
    }
    for text, (name, cc) in cases.items():
        (place,) = _by_text(gaz, text)[name]
        assert place.kind == "region" and place.country == cc, (text, place)


def test_division_and_city_of_one_name_in_one_text(gaz):
    got = _by_text(gaz, "Rain flooded Varna Province. In the port of Varna, ships waited.")
    assert [p.kind for p in got["Varna"]] == ["region", "city"]


def test_us_states_and_cities_of_the_same_name(gaz):
    # Washington alone is the capital, which lies in no state called Washington.
    (dc,) = _by_text(gaz, "Officials in Washington said talks would resume.")["Washington"]
    assert dc.kind == "city" and haversine_km(dc.lat, dc.lon, 38.9, -77.04) < 20
    # A cue picks the state over the capital.
    for text in ("The cow came from a Washington state farm.", "The case was found in the state of Washington."):
        (wa,) = _by_text(gaz, text)["Washington"]
        assert wa.id == "region:US.WA", text
    # New York City is named "New York" only as an alternate name: no namesake swap, the state stays.
    (ny,) = _by_text(gaz, "Lawmakers in Albany and Buffalo said New York would act.")["New York"]
    assert ny.id == "region:US.NY"


def test_a_small_namesake_does_not_replace_its_division(gaz):
    # Québec city holds a twentieth of the province's people: "Quebec" among provinces is the province.
    (qc,) = _by_text(gaz, "Cases were reported in Ontario, Manitoba and Quebec.")["Quebec"]
    assert qc.kind == "region" and qc.country == "CA"


def test_nearby_points_are_those_haversine_puts_within_reach():
    """The pass's near test (points by latitude band, trig terms computed once) picks exactly the
    points haversine_km puts within near_km, including those just inside and just outside."""
    import random

    from places.indexformat import Row
    from places.model import Kind
    from places.resolve import ResolveOptions, _Context, _near_finder

    options = ResolveOptions()
    rng = random.Random(7)
    ctx = _Context()
    centre = (46.0, 7.0)
    for n in range(30):
        lat = centre[0] + rng.uniform(-3.0, 3.0)
        lon = centre[1] + rng.uniform(-4.0, 4.0)
        ctx.add(Row(f"t:{n}", f"T{n}", lat, lon, Kind.CITY, "CH", 1000, "test", "", 1000.0), f"t{n}", point=True)
    # A point at the edge: exactly near_km north of the centre, give or take a metre.
    edge = options.near_km / 6371.0 * 180 / 3.141592653589793
    cells, (lon_lo, lon_hi), nearby = _near_finder(ctx, options)
    probes = [centre, (centre[0] + edge, centre[1]), (centre[0] - edge, centre[1])]
    probes += [(centre[0] + rng.uniform(-4, 4), centre[1] + rng.uniform(-5, 5)) for _ in range(300)]
    probes += [(centre[0] + rng.uniform(-12, 12), centre[1] + rng.uniform(-12, 12)) for _ in range(600)]
    for lat, lon in probes:
        expected = {k for a, b, k in ctx.points
                    if k != "t0" and abs(lat - a) < options.near_km / 111.0 and haversine_km(lat, lon, a, b) < options.near_km}
        assert nearby(lat, lon, "t0") == expected
        if math.floor(lat) not in cells or not lon_lo <= lon <= lon_hi:  # the scorer asks only there: none is missed
            assert not expected
    assert any(math.floor(lat) not in cells for lat, _ in probes)
    assert any(not lon_lo <= lon <= lon_hi for _, lon in probes)
    assert _near_finder(_Context(), options) is None


def test_town_state_pairs_read_the_state_not_the_country_of_its_name(gaz):
    for text in ("Police in Atlanta, Georgia said on Monday.", "He flew from Atlanta, Georgia, to Tbilisi."):
        got = {t: (p, r) for t, p, r in resolved(gaz, text)}
        georgia, atlanta = got["Georgia"][0], gaz.row(got["Atlanta"][1].row)
        assert georgia.id == "region:US.GA" and (atlanta.country, atlanta.admin1) == ("US", "Georgia"), text
        assert gaz.row(got["Atlanta"][1].candidate.region_hint).id == "region:US.GA"
    # A town of the country keeps the country.
    got = {t: p for t, p, _ in resolved(gaz, "He flew from Tbilisi, Georgia, to Atlanta.")}
    assert got["Georgia"].id == "country:GE" and got["Tbilisi"].country == "GE"


@pytest.mark.parametrize("lat", [0.0, 45.0, -60.0, 75.0, 85.0])
def test_no_reading_within_reach_lies_outside_the_longitudes_of_the_near_test(lat):
    """Readings at the edge of reach (just within near_km of a point, every bearing) lie inside
    _lon_reach's bounds; across 180° or near a pole there is no bound."""
    from places.resolve import ResolveOptions, _lon_reach

    options = ResolveOptions()
    deg = options.near_km / 111.0
    lo, hi = _lon_reach([(lat, 10.0)], deg, options.near_km)
    for dlat in (x / 20 * deg for x in range(-19, 20)):
        # the farthest longitude off still within near_km of the point, at this latitude (east and west alike)
        a = lat + dlat
        low, high = 0.0, 90.0
        for _ in range(50):
            mid = (low + high) / 2
            low, high = (mid, high) if haversine_km(a, 10.0 + mid, lat, 10.0) < options.near_km else (low, mid)
        assert lo <= 10.0 - low and 10.0 + low <= hi, (a, low, lo, hi)
    assert _lon_reach([(lat, 179.0)], deg, options.near_km) == (-math.inf, math.inf)
    assert _lon_reach([(89.0 - deg / 2, 10.0)], deg, options.near_km) == (-math.inf, math.inf)


def test_a_names_geometry_is_the_haversine_reach_of_its_chosen_reading(gaz):
    """_geometry (kept across documents): the readings within 161 km of the chosen one and the largest
    prior of the farther ones bearing the name itself, as haversine_km says; a candidate of the same
    name with other readings is not answered from the cache."""
    import dataclasses

    from places.indexformat import name_key
    from places.resolve import MAX_READINGS, NEAR_KM, _geometry

    (cand,) = [c for c in recognize("Springfield officials met.", gaz) if c.key == "springfield"]
    assert len(cand.indices) > 5
    for best in cand.indices[:3]:
        geo = _geometry(cand, best, gaz)
        b = gaz.row(best)
        rows = {x: gaz.row(x) for x in cand.indices[:MAX_READINGS]}
        near = {x for x, r in rows.items() if haversine_km(b.lat, b.lon, r.lat, r.lon) <= NEAR_KM}
        far = [r.prior for x, r in rows.items() if x not in near and name_key(r.name) == cand.key]
        assert geo.near == near and best in near and geo.far_prior == max(far, default=0.0)
        assert _geometry(cand, best, gaz) is geo  # kept
    fewer = dataclasses.replace(cand, indices=cand.indices[:1])
    again = _geometry(fewer, cand.indices[0], gaz)
    assert again.indices == fewer.indices and again.near == {cand.indices[0]}


@pytest.mark.parametrize("text", [
    "Vaccinators will work in Ghana, Guinea-Bissau, Niger, Nigeria and Togo.",
    "Cholera spread from Nigeria and Niger to Chad.",
    "Flights between Niger and Nigeria resumed.",
])
def test_a_country_in_a_list_of_countries_is_the_country_not_a_state_of_a_neighbour_in_it(gaz, text):
    # Nigeria's Niger State gets the named neighbour's country bonus; in a list of countries it is Niger.
    got = {t: p for t, p, _ in resolved(gaz, text)}
    assert got["Niger"].id == "country:NE" and got["Nigeria"].id == "country:NG", got["Niger"]


def test_a_state_beside_a_country_outside_a_list_is_still_the_state(gaz):
    # Georgia in a list of US states; "State, Country" (two names, one comma) is no list.
    got = {t: p for t, p, _ in resolved(gaz, "Storms hit Georgia, Alabama and Florida.")}
    assert got["Georgia"].id.startswith("region:US.")
    got = {t: p for t, p, _ in resolved(gaz, "She grew up in Savannah, Georgia, USA, and moved to Atlanta.")}
    assert got["Georgia"].id.startswith("region:US.")
