"""A small article of our own (grain ships on the Black Sea) geoparsed by hand, for map tests."""

from __future__ import annotations

from places.model import Article, GeoparsedArticle, Kind, Place
from tests.support.mentions import mentions_by_name

ODESA = Place("geonames:698740", "Odesa", 46.48, 30.73, Kind.CITY, "UA", "Ukraine", 1_000_000, "GeoNames")
ISTANBUL = Place("geonames:745044", "Istanbul", 41.01, 28.95, Kind.CITY, "TR", "Turkey", 14_000_000, "GeoNames")
BLACK_SEA = Place("curated:black-sea", "Black Sea", 43.0, 34.0, Kind.WATER, "", "", 0, "Natural Earth")
TURKEY = Place("country:TR", "Turkey", 39.0, 35.0, Kind.COUNTRY, "TR", "Turkey", 0, "GeoNames")
TUVALU = Place("country:TV", "Tuvalu", -8.5, 179.2, Kind.COUNTRY, "TV", "Tuvalu", 0, "GeoNames")

# Our own words.
TEXT = (
    "Grain ships left Odesa on Monday. The convoy crossed the Black Sea towards Istanbul, "
    "where Turkey inspects every hull. Officials in Istanbul said the checks take a day. "
    "Tuvalu sent no ships."
)


def grain_doc(text: str = TEXT, places: tuple[Place, ...] = (ODESA, BLACK_SEA, ISTANBUL, TURKEY, TUVALU), *, article_id: str = "grain") -> GeoparsedArticle:
    article = Article(article_id, "Grain corridor", text, source="grain.txt")
    return GeoparsedArticle(article, mentions_by_name(article_id, text, places))
