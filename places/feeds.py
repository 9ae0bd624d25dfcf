"""A saved RSS or Atom feed file -> one :class:`~places.model.Article` per item, by feedparser.

feedparser is given the file's bytes as a stream, never a string or bytes (it would try a string
as a URL to fetch, and either as a file name to open).  Each item's title, link, date (with its UTC offset, as the feed writes it), author and
content (or summary) make an article; HTML content goes through :func:`places.markup.parse_html`.
"""

from __future__ import annotations

__all__ = ["FEED_SUFFIXES", "load_feed"]

import email.utils
import hashlib
import io
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from places.articles import DEFAULT_MAX_BYTES, article_from_text, article_id, read_file_bytes
from places.errors import ArticleError
from places.markup import parse_html
from places.model import Article
from places.pagemeta import iso_datetime

FEED_SUFFIXES: tuple[str, ...] = (".atom", ".rss", ".xml")
_HAS_WORD = re.compile(r"\w")


def load_feed(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Article, ...]:
    """Every item of the feed at ``path`` that has text, in the feed's order."""
    import feedparser  # imported on first use: most sessions open no feed

    shown = os.fspath(path)
    p = Path(shown).expanduser()
    data = read_file_bytes(p, shown, max_bytes=max_bytes)
    if not data.strip():
        raise ArticleError(f"Cannot open {shown}: the file is empty.")
    # A stream, not bytes: feedparser tries bytes as a file name first (and a str as a URL).
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=False)
    if not parsed.version:
        raise ArticleError(f"Cannot open {shown}: it is not an RSS or Atom feed.")
    site = _text(parsed.feed.get("title")) or None
    base = article_id(p.resolve())
    articles = [a for n, entry in enumerate(parsed.entries) if (a := _article(entry, n, base=base, site=site))]
    if not articles:
        raise ArticleError(f"Cannot open {shown}: the feed has no items with text.")
    return tuple(articles)


def _article(entry: Any, number: int, *, base: str, site: str | None) -> Article | None:
    title = _text(entry.get("title"))
    body = _body(entry)
    if not _HAS_WORD.search(body):
        return None
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    link = str(entry.get("link") or "") or None
    key = str(entry.get("id") or link or number)
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    article = article_from_text(text, id=f"{base}-{digest}", title=title or None, source=link or f"{base}#{number + 1}",
                                published=_date(entry))  # fmt: skip
    authors = [_text(a.get("name")) for a in entry.get("authors") or () if isinstance(a, dict)]
    author = "; ".join(a for a in authors if a) or _text(entry.get("author")) or None
    return replace(article, url=link, site_name=site, author=author)


def _body(entry: Any) -> str:
    parts = entry.get("content") or []
    detail = parts[0] if parts else entry.get("summary_detail") or {"value": entry.get("summary") or ""}
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type") or "text/html"):
        return parse_html(value).text
    return value.strip()


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _date(entry: Any) -> str | None:
    """The item's date as the feed wrote it, offset kept (feedparser's parsed form is in UTC)."""
    for key in ("published", "updated", "created"):
        raw = str(entry.get(key) or "").strip()
        if not raw:
            continue
        iso = iso_datetime(raw)
        if iso:
            return iso
        try:
            return email.utils.parsedate_to_datetime(raw).isoformat()  # RSS: RFC 822 dates
        except (TypeError, ValueError, IndexError):
            continue
    return None
