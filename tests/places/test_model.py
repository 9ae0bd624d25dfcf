"""places.model: frozen records, mention offsets inside excerpts, mentions grouped by place."""

from __future__ import annotations

import dataclasses

import pytest

from places.model import Article, GeoparsedArticle, Kind, Mention, Place, group_by_place

ODESA = Place("geonames:698740", "Odesa", 46.48, 30.73, Kind.CITY, "UA", "Ukraine")
VARNA = Place("geonames:726050", "Varna", 43.22, 27.92, Kind.CITY, "BG", "Bulgaria")


def _doc(article_id: str, text: str, *places: Place) -> GeoparsedArticle:
    mentions = []
    for place in places:
        start = text.index(place.name)
        mentions.append(Mention(article_id, start, start + len(place.name), place.name, place, text, 0))
    return GeoparsedArticle(Article(article_id, article_id, text), tuple(mentions))


def test_group_by_place_merges_across_articles_in_first_mention_order():
    docs = [_doc("a", "Varna and Odesa.", VARNA, ODESA), _doc("b", "From Odesa.", ODESA)]
    grouped = group_by_place(docs)
    assert [g.place.id for g in grouped] == [VARNA.id, ODESA.id]
    assert [g.count for g in grouped] == [1, 2]
    assert [m.article_id for m in grouped[1].mentions] == ["a", "b"]
    assert group_by_place(iter(docs)) == grouped and group_by_place([]) == ()


def test_mention_offsets_inside_its_excerpt():
    text = "Intro. Ships left Odesa at dawn."
    start = text.index("Odesa")
    mention = Mention("a", start, start + 5, "Odesa", ODESA, "Ships left Odesa at dawn.", text.index("Ships"))
    assert mention.excerpt[mention.start_in_excerpt : mention.end_in_excerpt] == "Odesa"


def test_records_are_frozen_and_kinds_are_their_words():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ODESA.name = "Odessa"  # type: ignore[misc]
    assert Kind("facility") is Kind.FACILITY and str(Kind.WATER) == "water"
