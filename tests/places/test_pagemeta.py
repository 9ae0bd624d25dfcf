"""places.pagemeta: metadata of pages (trafilatura), front matter and bylines; dates keep their offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.articles import load_article
from places.pagemeta import byline_metadata, front_matter_metadata, iso_datetime, page_metadata
from tests.data.news_pages import NEWS_PAGES


@pytest.mark.parametrize("page", NEWS_PAGES, ids=lambda p: p.site)
def test_news_pages_metadata(page):
    meta = page_metadata(page.html)
    assert (meta.title, meta.site_name, meta.author) == (page.title, page.site_name, page.author)
    if page.site != "Reuters":  # its JSON-LD time loses to the date in its URL path (bench/extractors.md)
        assert meta.published == page.published
    if page.site != "Al Jazeera":  # its page names no URL of its own
        assert meta.url == page.url


def test_a_saved_page_carries_its_metadata_and_our_text(tmp_path: Path):
    page = NEWS_PAGES[0]
    path = tmp_path / "bbc.html"
    path.write_text(page.html, encoding="utf-8")
    article = load_article(path)
    assert (article.title, article.published, article.url, article.site_name, article.author) == (
        page.title, page.published, page.url, page.site_name, page.author)
    assert all(sentence in article.text for sentence in page.body)


def test_front_matter_and_byline(tmp_path: Path):
    md = "---\ntitle: Grain\ndate: 2024-03-04T10:12:00+0200\nauthor: Jane Roe\nurl: https://example.org/g\nsite: Port News\n---\n# Grain\n\nOdesa."
    meta = front_matter_metadata(md)
    assert (meta.title, meta.published, meta.author, meta.url, meta.site_name) == (
        "Grain", "2024-03-04T10:12:00+02:00", "Jane Roe", "https://example.org/g", "Port News")
    path = tmp_path / "story.txt"
    path.write_text("Ships leave Odesa\n\nBy Jane Roe | 4 March 2024\n\nShips left Odesa.", encoding="utf-8")
    article = load_article(path)
    assert (article.published, article.author) == ("2024-03-04", "Jane Roe")
    assert byline_metadata("Storm\nPublished Sept. 14, 2023, 9:00 a.m.\nText").published == "2023-09-14"
    assert byline_metadata("Bystanders in Kyiv said on 4 March 2024 that ...").published is None  # no byline cue


@pytest.mark.parametrize(("raw", "iso"), [
    ("2024-03-04", "2024-03-04"), ("2024-03-04T10:12:00Z", "2024-03-04T10:12:00+00:00"),
    ("2024-03-04 10:12:00+0530", "2024-03-04T10:12:00+05:30"), ("2024-03-04T10:12", "2024-03-04T10:12:00"),
    ("2024-02-30", None), ("soon", None),
])  # fmt: skip
def test_iso_datetime(raw, iso):
    assert iso_datetime(raw) == iso


def test_a_page_that_is_only_a_url_is_never_fetched(tmp_path: Path, monkeypatch):
    import htmldate.utils
    import trafilatura.downloads

    monkeypatch.setattr(htmldate.utils, "fetch_url", lambda *a, **k: pytest.fail("fetched"))
    monkeypatch.setattr(trafilatura.downloads, "fetch_url", lambda *a, **k: pytest.fail("fetched"))
    assert page_metadata("https://example.invalid/2024/03/04/story.html").url is None
    path = tmp_path / "link.html"
    path.write_text("https://example.invalid/2024/03/04/story.html", encoding="utf-8")
    assert load_article(path).text == "https://example.invalid/2024/03/04/story.html"
