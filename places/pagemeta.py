"""What a page says about itself: title, date with its offset, URL, site name, author.

HTML by trafilatura; Markdown front matter and bylines ("By Jane Roe | 4 March 2024") by our own rules.

Decided on evidence (bench/extractors.py; the table is bench/extractors.md): on ten pages laid out
like named news sites trafilatura reads 48 of the 50 metadata fields and our reader 9, so metadata
comes from trafilatura (and htmldate, its date reader).  The article *text* stays with our reader
(:func:`places.markup.parse_html`): trafilatura dropped more furniture there, but it runs a page's
paragraphs into one line or splits one at each ``<b>`` when it falls back on short pages, costs
20-50x more, and has no linear-time guarantee on hostile markup.  trafilatura never fetches here:
it gets a parsed tree of the page and no URL (htmldate would fetch a string that looks like one).
"""

from __future__ import annotations

__all__ = ["META_MAX_CHARS", "PageMeta", "byline_metadata", "front_matter_metadata", "iso_datetime", "page_metadata"]

import re
from dataclasses import dataclass
from datetime import date, datetime

# Metadata sits in <head>, JSON-LD and the byline near the top; reading only this much keeps a
# 20 MB page from costing a 20 MB lxml tree.
META_MAX_CHARS = 300_000


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page declares about itself; None where it declares nothing."""

    title: str | None = None
    published: str | None = None  # ISO 8601, with the page's UTC offset when it gives a time
    url: str | None = None
    site_name: str | None = None
    author: str | None = None


_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": False}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?")


def page_metadata(html: str) -> PageMeta:
    """The title, date, URL, site name and author ``html`` declares (its first META_MAX_CHARS)."""
    import lxml.etree
    import trafilatura  # imported on first use: a text-only session never pays for lxml
    from htmldate import find_date

    from trafilatura.utils import load_html

    head = html[:META_MAX_CHARS]
    try:
        # Both get a parsed tree, never the string: htmldate fetches a string that looks like a URL.
        tree = load_html(head)
        if tree is None:
            return PageMeta()
        meta = trafilatura.extract_metadata(tree)
        # trafilatura hands htmldate the canonical URL, whose /2024/05/07/ then wins over the page's
        # own timestamp with its offset; asked without it, htmldate reads the timestamp.
        found = find_date(load_html(head), url=None, **_DATE_PARAMS) or meta.date or ""
    except (ValueError, TypeError, lxml.etree.LxmlError, RecursionError):
        return PageMeta()
    return PageMeta(
        title=_clean(meta.title),
        published=iso_datetime(found.removesuffix("T00:00:00")),  # midnight without an offset: a date only
        url=_clean(meta.url),
        site_name=_clean(meta.sitename),
        author=_clean(meta.author),
    )


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(str(value).split()) or None


def iso_datetime(value: str) -> str | None:
    """``value``'s date (and time, with its offset when given) as ISO 8601; None when it is no real date.

    ``2024-03-04``, ``2024-03-04T10:12:00+0200`` -> ``2024-03-04T10:12:00+02:00``, ``...Z`` -> ``+00:00``.
    """
    match = _ISO.match(value.strip())
    if not match:
        return None
    y, mo, d, h, mi, s, tz = match.groups()
    try:
        if h is None:
            return date(int(y), int(mo), int(d)).isoformat()
        offset = "" if tz is None else "+00:00" if tz == "Z" else f"{tz[:3]}:{tz[-2:]}"
        return datetime.fromisoformat(f"{y}-{mo}-{d}T{h}:{mi}:{s or '00'}{offset}").isoformat()
    except ValueError:
        return None


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_KEYS = {"title": "title", "date": "published", "published": "published", "author": "author", "authors": "author",
               "by": "author", "url": "url", "link": "url", "canonical": "url", "site": "site_name", "site_name": "site_name",
               "publisher": "site_name", "source": "site_name"}  # fmt: skip
_MONTHS = {m: n for n, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"), ("jul", "july"),
     ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december")), 1)
    for m in names}  # fmt: skip
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}) {_MONTH},? (\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH} (\d{{1,2}}),? (\d{{4}})\b", re.IGNORECASE)
_ISO_IN_LINE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_BYLINE = re.compile(r"^\s*(?:by|von|par|por)\s+([A-Z][^|,;\n]{1,80}?)\s*(?:$|[|,;]| - | — )", re.IGNORECASE)
_DATE_CUE = re.compile(r"\b(?:published|updated|posted|date[d]?)\b|^\s*(?:by\b|\d{1,2} [A-Za-z]+ \d{4}|[A-Za-z]+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})",
                       re.IGNORECASE)
_BYLINE_LINES = 8


def front_matter_metadata(markdown: str) -> PageMeta:
    """title, date (offset kept), author, URL and site a Markdown file's front matter gives, line by line (no YAML runs)."""
    block = _FRONT.match(markdown)
    if not block:
        return PageMeta()
    found: dict[str, str] = {}
    for line in block.group(1).split("\n"):
        key, sep, value = line.partition(":")
        field = _FRONT_KEYS.get(key.strip().lower())
        value = value.strip().strip("\"'").strip()
        if sep and field and value and field not in found:
            found[field] = value
    if "published" in found:
        found["published"] = iso_datetime(found["published"]) or ""
    return PageMeta(**{k: (v or None) for k, v in found.items()})


def byline_metadata(text: str) -> PageMeta:
    """The author and date of a byline in the first lines ("By Jane Roe | 4 March 2024", "Published 2024-03-04")."""
    author = published = None
    for line in [x for x in text[:4000].split("\n") if x.strip()][:_BYLINE_LINES]:
        if len(line) > 200:
            continue
        if author is None and (m := _BYLINE.match(line)):
            author = m.group(1).strip()
        if published is None and _DATE_CUE.search(line):
            published = _date_in(line)
    return PageMeta(published=published, author=author)


def _date_in(line: str) -> str | None:
    if m := _ISO_IN_LINE.search(line):
        return iso_datetime(m.group(0))
    if m := _DAY_MONTH_YEAR.search(line):
        day, month, year = m.groups()
    elif m := _MONTH_DAY_YEAR.search(line):
        month, day, year = m.groups()
    else:
        return None
    try:
        return date(int(year), _MONTHS[month.lower().rstrip(".")], int(day)).isoformat()
    except (ValueError, KeyError):
        return None
