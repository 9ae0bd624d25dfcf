"""Gazette's text -> places half: pure Python, no Qt, no network unless opted in.

    from places import geoparse_stream, open_sources
    sources = open_sources(["week/"])           # Sources(articles, failures); .summary for the person
    docs = list(geoparse_stream(sources.articles))   # all cores, input order, one by one as they finish

The names below are the package's public ones; each is imported from its module on first use,
so ``import places.errors`` stays cheap (the command line and the window import it first).
"""

from __future__ import annotations

__all__ = [
    "Article", "ArticleError", "Failure", "GazetteError", "Gazetteer", "GazetteerError", "GeocodingError",
    "GeoparseOptions", "GeoparsedArticle", "Geoparser", "Kind", "Lesson", "LessonError", "Mention", "Place",
    "PlaceMentions", "SaveError", "Sources", "article_from_text", "geoparse_stream", "group_by_place", "is_lesson",
    "load_article", "load_feed", "load_lesson", "load_sources", "open_sources", "save_lesson", "shared_geoparser",
]  # fmt: skip

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    **dict.fromkeys(("ArticleError", "GazetteError", "GazetteerError", "GeocodingError", "LessonError", "SaveError"),
                    "places.errors"),
    **dict.fromkeys(("Article", "GeoparsedArticle", "Kind", "Mention", "Place", "PlaceMentions", "group_by_place"),
                    "places.model"),
    **dict.fromkeys(("article_from_text", "load_article"), "places.articles"),
    **dict.fromkeys(("Lesson", "load_lesson", "save_lesson"), "places.lessons"),
    **dict.fromkeys(("Failure", "Sources", "is_lesson", "load_sources", "open_sources"), "places.sources"),
    "load_feed": "places.feeds",
    "geoparse_stream": "places.parallel",
    **dict.fromkeys(("GeoparseOptions", "Geoparser", "shared_geoparser"), "places.geoparse"),
    "Gazetteer": "places.gazetteer",
}

if TYPE_CHECKING:
    from places.articles import article_from_text, load_article
    from places.errors import ArticleError, GazetteError, GazetteerError, GeocodingError, LessonError, SaveError
    from places.gazetteer import Gazetteer
    from places.geoparse import GeoparseOptions, Geoparser, shared_geoparser
    from places.lessons import Lesson, load_lesson, save_lesson
    from places.model import Article, GeoparsedArticle, Kind, Mention, Place, PlaceMentions, group_by_place
    from places.feeds import load_feed
    from places.parallel import geoparse_stream
    from places.sources import Failure, Sources, is_lesson, load_sources, open_sources


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'places' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
