"""places.feeds: a saved RSS or Atom file -> one Article per item, never fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.errors import ArticleError
from places.feeds import load_feed

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Port News</title><link>https://example.org/</link>
<item><title>Ships leave Odesa</title><link>https://example.org/a</link><guid>a-1</guid>
<pubDate>Mon, 04 Mar 2024 10:12:00 +0200</pubDate><author>desk@example.org (Jane Roe)</author>
<description>&lt;p&gt;Ships left &lt;b&gt;Odesa&lt;/b&gt; for Istanbul.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description></item>
<item><title>Empty</title><link>https://example.org/b</link><description></description></item>
<item><title>Varna patrols</title><link>https://example.org/c</link><description>Patrols near Varna.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Talks in Geneva</title><link href="https://example.org/g"/><id>tag:example.org,2024:g</id>
<published>2024-03-05T08:00:00-05:00</published><updated>2024-03-06T08:00:00Z</updated>
<author><name>Bo Lind</name></author><author><name>Ana Ruiz</name></author>
<content type="html">&lt;p&gt;Delegates met in Geneva.&lt;/p&gt;&lt;p&gt;Then Bern.&lt;/p&gt;</content></entry></feed>"""


def _feed(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rss_items_are_articles_with_their_metadata(tmp_path: Path):
    articles = load_feed(_feed(tmp_path, "port.rss", RSS))
    assert [a.title for a in articles] == ["Ships leave Odesa", "Varna patrols"]  # the empty item is skipped
    first = articles[0]
    assert first.text == "Ships leave Odesa\n\nShips left Odesa for Istanbul."  # HTML through places.markup
    assert first.published == "2024-03-04T10:12:00+02:00"  # the feed's own offset, not UTC
    assert (first.url, first.site_name, first.author) == ("https://example.org/a", "Port News", "Jane Roe")
    assert first.source == "https://example.org/a"
    assert len({a.id for a in articles}) == 2
    assert load_feed(tmp_path / "port.rss") == articles  # ids are stable


def test_atom_entries(tmp_path: Path):
    (article,) = load_feed(_feed(tmp_path, "wire.atom", ATOM))
    assert article.text == "Talks in Geneva\n\nDelegates met in Geneva.\n\nThen Bern."
    assert article.published == "2024-03-05T08:00:00-05:00"
    assert article.author == "Bo Lind; Ana Ruiz" and article.site_name == "Wire"


def test_not_a_feed_and_no_items(tmp_path: Path):
    with pytest.raises(ArticleError, match=r"page\.xml: it is not an RSS or Atom feed\.$"):
        load_feed(_feed(tmp_path, "page.xml", "<html><body>Kyiv</body></html>"))
    with pytest.raises(ArticleError, match="no items with text"):
        load_feed(_feed(tmp_path, "empty.rss", '<rss version="2.0"><channel><title>x</title></channel></rss>'))


def test_a_feed_naming_a_file_or_url_is_never_opened_or_fetched(tmp_path: Path, monkeypatch):
    secret = tmp_path / "secret.rss"
    secret.write_text(RSS, encoding="utf-8")
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("fetched"))
    for content in (str(secret), "https://example.org/feed.rss"):
        with pytest.raises(ArticleError, match="not an RSS or Atom feed"):
            load_feed(_feed(tmp_path, "pointer.xml", content))
