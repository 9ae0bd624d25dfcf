from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from places.errors import GeocodingError
from places.geocoders import GazetteerGeocoder
from tests.support.gazetteer import shared_gazetteer


@pytest.fixture(scope="module")
def geo():
    return GazetteerGeocoder(shared_gazetteer())


def test_is_a_geopy_geocoder(geo):
    assert isinstance(geo, Geocoder)


def test_geocode_returns_location_with_place_raw(geo):
    loc = geo.geocode("Vladivostok")
    assert isinstance(loc, Location) and abs(loc.latitude - 43.1) < 0.1
    assert loc.raw["id"].startswith("geonames:") and loc.raw["kind"] == "city" and loc.raw["country"] == "RU"


def test_qualifiers_choose_the_reading(geo):
    assert geo.geocode("Paris, Texas").raw["country"] == "US"
    assert geo.geocode("Paris").raw["country"] == "FR"
    many = geo.geocode("Moscow", exactly_one=False)
    assert len(many) > 2 and many[0].raw["country"] == "RU"


def test_unknown_and_reverse(geo):
    assert geo.geocode("Qwertyuiopville") is None
    assert geo.reverse((51.88, 128.33)).raw["id"] == "curated:vostochny-cosmodrome"
    with pytest.raises(GeocodingError):
        geo.reverse("not a point")
