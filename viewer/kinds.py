"""How each kind of place is named and drawn: the one table the window and map.js share.

map.js has no words of its own for kinds: it gets :func:`kinds_payload` in the page's data.
"""

from __future__ import annotations

__all__ = ["KIND_LABELS", "KIND_SYMBOLS", "SYMBOL_LABELS", "kind_label", "kinds_payload"]

from places.model import Kind

# A place's kind as a person reads it (popups, the places list).
KIND_LABELS: dict[Kind, str] = {
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
# The pin drawn for a kind (assets/css/map.css has one style per symbol).
KIND_SYMBOLS: dict[Kind, str] = {
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
# The legend's line for a pin symbol (a country is a pin only when it has no outline).
SYMBOL_LABELS: dict[str, str] = {
    "city": "City or town",
    "facility": "Facility",
    "water": "Sea, strait or lake",
    "region": "Region",
    "landform": "Landform",
    "country": "Country (no outline)",
}


def kind_label(kind: Kind) -> str:
    return KIND_LABELS.get(kind, kind.value)


def kinds_payload() -> dict[str, object]:
    """``{"kinds": {kind: {label, symbol}}, "legend": {symbol: label}}`` for map.js."""
    return {
        "kinds": {kind.value: {"label": kind_label(kind), "symbol": KIND_SYMBOLS.get(kind, "city")} for kind in Kind},
        "legend": dict(SYMBOL_LABELS),
    }
