"""geopy adapters. :class:`GazetteerGeocoder` answers from the offline gazetteer, no network.

The opt-in online fallback (Nominatim behind a cache and a rate limiter) is in
:mod:`places.online`.
"""

from __future__ import annotations

__all__ = ["GazetteerGeocoder"]

from dataclasses import asdict
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from places.errors import GeocodingError
from places.gazetteer import Gazetteer
from places.indexformat import name_key
from places.model import Place


def _location(place: Place) -> Location:
    raw: dict[str, Any] = asdict(place)
    raw["kind"] = str(place.kind)
    address = ", ".join(p for p in (place.name, place.country_name) if p)
    return Location(address, Point(place.lat, place.lon), raw)


class GazetteerGeocoder(Geocoder):
    """Offline geocoding: ``geocode("Paris, Texas")``, ``reverse((55.75, 37.62))``.

    A query "Name, Qualifier[, ...]" prefers readings whose state, country or region name
    matches a qualifier; ``raw`` of each Location is the Place as a dict (id, kind, country...).
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(scheme="https", timeout=1, user_agent="gazette-offline")
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.load()
        return self._gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True, **_: Any) -> Location | list[Location] | None:
        if not isinstance(query, str):
            raise GeocodingError("The offline geocoder takes a place name as text.")
        parts = [p.strip() for p in query.split(",") if p.strip()]
        if not parts:
            return None
        gaz = self.gazetteer
        places = gaz.lookup(parts[0])
        if len(parts) > 1 and places:
            qualifiers = {name_key(p) for p in parts[1:]}

            def matches(place: Place) -> int:
                region = gaz.region_of(place)
                names = {name_key(place.country_name), place.country.lower(), name_key(region)}
                return -len(qualifiers & names)

            places = sorted(places, key=matches)  # stable: keeps the prior order within ties
        if not places:
            return None
        if exactly_one:
            return _location(places[0])
        return [_location(p) for p in places]

    def reverse(self, query: Any, *, exactly_one: bool = True, **_: Any) -> Location | list[Location] | None:
        try:
            point = Point(query)
        except (TypeError, ValueError) as err:
            raise GeocodingError(f"Not a point: {query!r}.") from err
        place = self.gazetteer.nearest(point.latitude, point.longitude)
        if place is None:
            return None
        loc = _location(place)
        return loc if exactly_one else [loc]
