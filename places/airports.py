"""Airports from the ``airportsdata`` package: the names news calls them by.

Only IATA-coded airports (about 7,900: the ones with scheduled flights) are read. Each gets its
full name ("London Heathrow Airport"), the name without its city or without "International"
("Heathrow Airport", "Ben Gurion Airport"), and a short form ("Heathrow", "Sheremetyevo") that the
index build keeps only where no town of some size bears it and it is not an English word or a
person's name. IATA codes are names only for the few airports news calls by their code ("JFK",
"LAX"); other codes collide with acronyms (CIA is Ciampino, CNN Kannur).
"""

from __future__ import annotations

__all__ = ["AIRPORT_ID_PREFIX", "NEWS_CODES", "AirportRecord", "airport_records", "airportsdata_version"]

import re
from collections.abc import Iterator
from dataclasses import dataclass

AIRPORT_ID_PREFIX = "airport:"
# Codes that news writes as the airport's name.
NEWS_CODES = frozenset({"JFK", "LAX", "SFO", "DFW", "BWI", "LGA", "EWR"})
_GENERIC = frozenset(
    """airport international intl regional municipal airfield aerodrome field national ntl air base
    airbase afb station terminal county city memorial general executive""".split()
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class AirportRecord:
    """One airport: ``names`` are specific (they say airport), ``short_names`` need vetting."""

    id: str
    name: str
    lat: float
    lon: float
    country: str
    city: str
    names: tuple[str, ...]
    short_names: tuple[str, ...]
    international: bool


def airportsdata_version() -> str:
    from importlib import metadata  # here, not at import: ~20-40 ms (email, zipfile...) the index build never needs

    try:
        return metadata.version("airportsdata")
    except metadata.PackageNotFoundError:
        return "none"


def airport_records() -> Iterator[AirportRecord]:
    """Every IATA-coded airport in ``airportsdata``, with the names derived from its own."""
    import airportsdata

    for code, a in airportsdata.load("IATA").items():
        name = _SPACES.sub(" ", str(a.get("name") or "")).strip()
        if not name or not code or not a.get("country"):
            continue
        try:
            lat, lon = float(a["lat"]), float(a["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        city = str(a.get("city") or "").strip()
        names, short = _names(name, city)
        if code in NEWS_CODES:
            names += [code, f"{code} Airport"]
        yield AirportRecord(f"{AIRPORT_ID_PREFIX}{code}", name, lat, lon, str(a["country"]).upper()[:2], city,
                            tuple(dict.fromkeys(names)), tuple(dict.fromkeys(short)),
                            "International" in name.split())


def _names(name: str, city: str) -> tuple[list[str], list[str]]:
    names = [name]
    rest = name
    for prefix in sorted({city, city.split(",")[0].split("-")[0].strip()} - {""}, key=len, reverse=True):
        if rest.startswith(prefix + " ") and rest.endswith("Airport"):
            rest = rest[len(prefix) + 1 :]
            break
    for form in (rest, name):
        if form.endswith("Airport"):
            names.append(form)
            names.append(form.replace("International Airport", "Airport"))
    names = [n for n in names if len(n.split()) >= 2 and any(w.lower() not in _GENERIC for w in n.split())]
    words = [w for w in rest.split() if w.lower().strip("()") not in _GENERIC]
    dropped = {w for w in rest.split() if w.lower().strip("()") in _GENERIC}
    short = []
    # Only "X Airport" / "X International Airport" give a short form: "Sullivan County International
    # Airport" or "Wings Field" name a county or a word, not the airport.
    if (words and len(words) <= 3 and dropped <= {"Airport", "International", "Intl"}
            and all(w[:1].isupper() for w in words) and " ".join(words) != city):
        form = " ".join(words)
        if len(form) >= 4 and "/" not in form and "(" not in form:
            short.append(form)
    return names, short
