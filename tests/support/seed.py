"""The seed article (../shared/articles/putin-kim-vostochny.*) as GeoparsedArticles.

Uses the real geoparser when it exists; otherwise builds the geoparse by hand from the gold
annotations (offsets and coordinates) so map and export tests can run before it lands.
Nothing from the article is stored in the repo: it is read from ../shared at test time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from places.model import Article, GeoparsedArticle, Kind, Mention, Place

SEED_ID = "putin-kim-vostochny"

# Our own facts about the places the seed article names (ids follow places/model.py).
_COUNTRIES = {
    "North Korea": ("KP", "North Korea"),
    "South Korea": ("KR", "South Korea"),
    "Russia": ("RU", "Russia"),
    "Ukraine": ("UA", "Ukraine"),
    "US": ("US", "United States"),
}
_OTHERS: dict[str, tuple[str, Kind, str, str]] = {
    # name: (id, kind, ISO2, source)
    "Moscow": ("geonames:524901", Kind.CITY, "RU", "GeoNames"),
    "Pyongyang": ("geonames:1871859", Kind.CITY, "KP", "GeoNames"),
    "Washington": ("geonames:4140963", Kind.CITY, "US", "GeoNames"),
    "Komsomolsk-on-Amur": ("geonames:2021851", Kind.CITY, "RU", "GeoNames"),
    "Vladivostok": ("geonames:2013348", Kind.CITY, "RU", "GeoNames"),
    "Vostochny Cosmodrome": ("curated:vostochny-cosmodrome", Kind.FACILITY, "RU", "Roscosmos"),
    "Kremlin": ("curated:moscow-kremlin", Kind.FACILITY, "RU", "Curated"),
}


def _excerpt(text: str, start: int, end: int) -> tuple[str, int]:
    try:
        from places.sentences import excerpt_for

        return excerpt_for(text, start, end)
    except ImportError:  # pragma: no cover - sentences.py exists in the repo
        s = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1)
        e = min(i for i in (text.find(". ", end), text.find("\n", end), len(text)) if i >= 0)
        return text[s:e].strip(), s


def docs_from_gold(gold: Path) -> list[GeoparsedArticle]:
    """GeoparsedArticles built from a gold .jsonl file (one article a line)."""
    docs = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        text = record["text"]
        title = text.split("\n", 1)[0].strip()
        article = Article(id=record["id"], title=title, text=text, source=str(gold.with_suffix("").with_suffix(".txt")))
        mentions = []
        for ann in record["places"]:
            name = ann["text"]
            if name in _COUNTRIES:
                iso2, cname = _COUNTRIES[name]
                place = Place(f"country:{iso2}", cname, ann["lat"], ann["lon"], Kind.COUNTRY, iso2, cname, 0, "GeoNames")
            else:
                pid, kind, iso2, source = _OTHERS.get(
                    name, ("curated:" + re.sub(r"\W+", "-", name.lower()), Kind.CITY, "", "gold")
                )
                place = Place(pid, name, ann["lat"], ann["lon"], kind, iso2, "", 0, source)
            excerpt, excerpt_start = _excerpt(text, ann["start"], ann["end"])
            mentions.append(
                Mention(article.id, ann["start"], ann["end"], text[ann["start"] : ann["end"]], place, excerpt, excerpt_start)
            )
        docs.append(GeoparsedArticle(article, tuple(mentions)))
    return docs


def seed_docs(article_txt: Path) -> list[GeoparsedArticle]:
    """The seed article geoparsed: by places.geoparse when present, else from the gold file."""
    try:
        from places.geoparse import shared_geoparser
    except ImportError:
        return docs_from_gold(article_txt.with_suffix(".gold.jsonl"))
    from places.articles import load_article

    return [shared_geoparser().parse(load_article(article_txt))]
