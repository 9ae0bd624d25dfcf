"""Many places over many dated articles, made in code (for the map at scale; no geoparser)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from places.model import Article, GeoparsedArticle, Kind, Mention, Place

__all__ = ["synthetic_docs"]


def synthetic_docs(
    *, places: int, articles: int, days: int = 1, dated: bool = True, seed: int = 7,
    box: tuple[float, float, float, float] = (-60.0, 70.0, -180.0, 180.0),
) -> list[GeoparsedArticle]:  # fmt: skip
    """``places`` distinct places in ``box`` (south, north, west, east), spread evenly over
    ``articles`` articles; article ``a`` is dated ``2024-03-04`` + (a mod ``days``) days (if ``dated``)."""
    rng = random.Random(seed)
    south, north, west, east = box
    pool = [
        Place(f"synthetic:{i}", f"Place {i}", rng.uniform(south, north), rng.uniform(west, east), Kind.CITY, "XX")
        for i in range(places)
    ]
    per = max(1, places // articles)
    docs = []
    for a in range(articles):
        names = pool[a * per : (a + 1) * per]
        sentences = [f"Officials met in {p.name}." for p in names]
        text = " ".join(sentences)
        published = (date(2024, 3, 4) + timedelta(days=a % days)).isoformat() if dated else None
        article = Article(f"a{a}", f"Synthetic article {a}", text, source=f"/news/a{a}.txt", published=published)
        mentions, at = [], 0
        for p, sentence in zip(names, sentences, strict=True):
            start = at + len("Officials met in ")
            mentions.append(Mention(article.id, start, start + len(p.name), p.name, p, sentence, at))
            at += len(sentence) + 1
        docs.append(GeoparsedArticle(article, tuple(mentions)))
    return docs
