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


RUSSIA = Place("country:RU", "Russia", 61.5, 105.3, Kind.COUNTRY, "RU", "Russia")
CHINA = Place("country:CN", "China", 35.0, 103.0, Kind.COUNTRY, "CN", "China")


def _associative(article_id: str, text: str, word: str, place: Place, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Mention(article_id, start, start + len(word), word, place, text, 0, role="associative")


def test_group_by_place_keeps_toponyms_and_associative_mentions_apart():
    text = "Russian ships left Russia. Russian and Chinese crews met Russians in Odesa."
    named = _doc("a", text, RUSSIA, ODESA)
    doc = GeoparsedArticle(named.article, (
        _associative("a", text, "Russian", RUSSIA), *named.mentions, _associative("a", text, "Russian", RUSSIA, 1),
        _associative("a", text, "Chinese", CHINA), _associative("a", text, "Russians", RUSSIA)))  # fmt: skip
    grouped = group_by_place([doc])
    assert [g.place.id for g in grouped] == [RUSSIA.id, ODESA.id, CHINA.id]  # named ones by first toponym, then the rest
    russia, odesa, china = grouped
    assert russia.count == 1 and [m.text for m in russia.mentions] == ["Russia"] and russia.named
    assert [m.text for m in russia.associative] == ["Russian", "Russian", "Russians"]
    assert [n.label for n in russia.associative_names] == ["Russian — 2 associative mentions", "Russians — 1 associative mention"]
    assert odesa.associative == () and odesa.count == 1
    assert china.count == 0 and not china.named and china.mentions == ()  # named only through a demonym
    assert [n.label for n in china.associative_names] == ["Chinese — 1 associative mention"]


def test_named_places_keep_their_order_whatever_the_demonyms_before_them():
    text = "Chinese crews reached Odesa, then China."
    named = _doc("a", text, ODESA, CHINA)
    doc = GeoparsedArticle(named.article, (_associative("a", text, "Chinese", CHINA), *named.mentions))
    assert [g.place.id for g in group_by_place([doc])] == [g.place.id for g in group_by_place([named])] == [ODESA.id, CHINA.id]
