"""A dropped link, fetched (only when online look-ups are on) and read like a saved page.

The rules are those of :mod:`places.online`: one deadline for the whole fetch (connect, headers,
body, redirects), a watchdog that shuts the socket when it passes, and a size cap checked while
the body is read, so a slow or huge answer can never hold the window.  Only ``http`` and
``https``; a redirect is followed (at most a few times) only to another http(s) address.  The
body is then read exactly as a saved page would be (:func:`places.articles.load_article`: the
decoding, :mod:`places.markup` and :mod:`places.pagemeta`), and the Article keeps the address.
"""

from __future__ import annotations

__all__ = ["FETCH_MAX_BYTES", "FETCH_TIMEOUT_S", "Fetched", "article_from_page", "fetch_article", "fetch_url", "is_web_url"]

import dataclasses
import hashlib
import http.client
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from places.articles import load_article
from places.errors import ArticleError
from places.httpwatch import BodyTooLarge, read_capped, watched
from places.model import Article

FETCH_TIMEOUT_S = 5.0
FETCH_MAX_BYTES = 5_000_000
MAX_REDIRECTS = 3
USER_AGENT = "Gazette (a desktop news map; one page a person dropped)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page as the server sent it: the address it came from in the end, its bytes and type."""

    url: str
    data: bytes
    content_type: str  # "text/html", "" when the server said nothing


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address with a host."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def fetch_url(url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = FETCH_MAX_BYTES) -> Fetched:
    """GET ``url`` within ``timeout`` seconds in all, at most ``max_bytes`` of body; an ArticleError otherwise."""
    if not is_web_url(url):
        raise ArticleError(f"Cannot open {url[:200]}: only http and https links can be fetched.")
    deadline = time.monotonic() + timeout
    current = url.strip()
    for _ in range(MAX_REDIRECTS + 1):
        status, location, fetched = _get(current, deadline=deadline, max_bytes=max_bytes)
        if location is None:
            if status >= 400:
                raise ArticleError(f"Cannot open {url[:200]}: the server answered {status}.")
            return fetched
        target = urljoin(current, location)
        if not is_web_url(target):
            raise ArticleError(f"Cannot open {url[:200]}: it redirects to an address that is not http(s).")
        current = target
    raise ArticleError(f"Cannot open {url[:200]}: too many redirects.")


def _get(url: str, *, deadline: float, max_bytes: int) -> tuple[int, str | None, Fetched]:
    """(status, redirect location or None, what came) for one GET that ends by ``deadline``."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ArticleError(f"Cannot open {url[:200]}: the server did not answer in time.")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn_type = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    conn = conn_type(parts.hostname or "", parts.port, timeout=remaining)
    with watched(conn, remaining) as expired:
        try:
            conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain;q=0.8"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                return response.status, response.getheader("Location"), Fetched(url, b"", "")
            body = read_capped(response, max_bytes)
            if expired.is_set():
                raise TimeoutError
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            return response.status, None, Fetched(url, body, content_type)
        except BodyTooLarge as err:
            raise ArticleError(f"Cannot open {url[:200]}: the page is larger than the {max_bytes:,}-byte limit.") from err
        except (OSError, http.client.HTTPException, ValueError) as err:
            if expired.is_set() or isinstance(err, TimeoutError):
                raise ArticleError(f"Cannot open {url[:200]}: the server did not answer in time.") from err
            raise ArticleError(f"Cannot open {url[:200]}: {err or type(err).__name__}.") from err


def article_from_page(fetched: Fetched) -> Article:
    """The Article of a fetched page, read as the same bytes saved to a file would be."""
    suffix = ".html" if fetched.content_type in _HTML_TYPES or not fetched.content_type else ".txt"
    if fetched.content_type and not fetched.content_type.startswith("text/") and suffix == ".txt":
        raise ArticleError(f"Cannot open {fetched.url[:200]}: it is {fetched.content_type}, not a page of text.")
    with tempfile.TemporaryDirectory(prefix="gazette-page-") as tmp:
        path = Path(tmp, "page" + suffix)
        path.write_bytes(fetched.data)
        try:
            article = load_article(path)
        except ArticleError as err:
            raise ArticleError(str(err).replace(str(path), fetched.url[:200])) from err
    digest = hashlib.sha1(fetched.url.encode() + b"\0" + article.text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    title = article.title if article.title != "page" else fetched.url[:120]
    return dataclasses.replace(article, id=f"web-{digest}", title=title, source=fetched.url, url=article.url or fetched.url)


def fetch_article(url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = FETCH_MAX_BYTES) -> Article:
    """``url`` fetched (see :func:`fetch_url`) and read like a saved page."""
    return article_from_page(fetch_url(url, timeout=timeout, max_bytes=max_bytes))
