"""places.fetch: a dropped link fetched from a real server on 127.0.0.1 and read like a saved page."""

from __future__ import annotations

import time

import pytest

from places.errors import ArticleError
from places.fetch import Fetched, article_from_page, fetch_article, fetch_url, is_web_url
from places.sources import load_clip, save_clip
from tests.support.page_server import page_server


@pytest.fixture
def server():
    with page_server(drip_seconds=0.5, huge_bytes=8_000_000) as running:
        yield running


def test_a_news_page_is_read_like_a_saved_page(server):
    article = fetch_article(server.url("/article.html"))
    assert article.title == "Ships leave Odesa for Varna"
    assert "Three grain carriers left Odesa" in article.text
    assert "Subscribe" not in article.text and "Sport" not in article.text  # page furniture dropped
    assert article.site_name == "Harbour Times"
    assert article.published and article.published.startswith("2024-03-05")
    assert article.source == server.url("/article.html") and article.url == server.url("/article.html")
    assert article.id.startswith("web-") and article.id == fetch_article(server.url("/article.html")).id
    assert "/tmp" not in repr(article)  # no local path of the temporary file


def test_plain_text_and_a_redirect(server):
    text = fetch_article(server.url("/plain.txt"))
    assert text.title == "Patrols near Varna" and "Constanta overnight" in text.text
    moved = fetch_url(server.url("/redirect"))
    assert moved.url == server.url("/article.html") and b"Odesa" in moved.data


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/to-file", "not http(s)"),
        ("/loop", "too many redirects"),
        ("/missing", "answered 404"),
        ("/image.png", "image/png"),
        ("/huge", "limit"),
        ("/huge-declared", "limit"),
    ],
)
def test_what_cannot_be_fetched_is_one_sentence(server, path, words):
    with pytest.raises(ArticleError, match="^Cannot open http://127.0.0.1") as caught:
        fetch_article(server.url(path), max_bytes=1_000_000)
    assert words in str(caught.value)


@pytest.mark.parametrize("path", ["/hang", "/drip"])
def test_a_slow_server_cannot_hold_the_fetch_past_its_deadline(server, path):
    started = time.monotonic()
    with pytest.raises(ArticleError, match="did not answer in time"):
        fetch_url(server.url(path), timeout=1.0)
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "javascript:alert(1)", "http://", "news"])
def test_only_http_and_https(url):
    assert not is_web_url(url)
    with pytest.raises(ArticleError, match="only http and https"):
        fetch_url(url)


def test_a_page_with_no_text_says_so():
    with pytest.raises(ArticleError, match="http://example.org/x: it has no readable text"):
        article_from_page(Fetched("http://example.org/x", b"<html><body><script>1</script></body></html>", "text/html"))


def test_a_fetched_page_survives_a_clip(server, tmp_path):
    article = fetch_article(server.url("/article.html"))
    assert load_clip(save_clip(article, tmp_path)) == article
