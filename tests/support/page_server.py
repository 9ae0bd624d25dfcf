"""A real HTTP server on 127.0.0.1 serving news pages of our own words, for the link-fetch tests.

Paths: ``/article.html`` (a news page with furniture), ``/plain.txt``, ``/image.png``,
``/redirect`` (302 to /article.html), ``/to-file`` (302 to a file: address), ``/loop`` (302 to itself),
``/hang`` (never answers until released), ``/drip`` (a byte every ``drip_seconds``),
``/huge`` (``huge_bytes`` with no length), ``/huge-declared`` (the same, announced), anything else 404.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<title>Ships leave Odesa for Varna | Harbour Times</title>
<meta property="og:site_name" content="Harbour Times">
<meta property="article:published_time" content="2024-03-05T08:00:00+02:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article>
<h1>Ships leave Odesa for Varna</h1>
<p>Three grain carriers left Odesa on Tuesday morning and steered south along the coast towards Varna,
the harbour master said. The convoy kept close to the shore of Romania before crossing into Bulgarian waters.</p>
<p>Port officials in Constanta said they expected two more ships later in the week, and that the route
past the Danube delta had been quiet since the start of the month.</p>
</article></main>
<footer>Copyright Harbour Times. Subscribe to our newsletter.</footer>
</body></html>"""

PLAIN_TEXT = "Patrols near Varna\n\nCoast guard boats patrolled the sea between Varna and Constanta overnight.\n"


@dataclass
class PageServer:
    host: str = "127.0.0.1"
    port: int = 0
    drip_seconds: float = 1.0
    huge_bytes: int = 20_000_000
    paths: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


def _handler(server: PageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep tests quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            server.paths.append(self.path)
            routes = {
                "/article.html": lambda: self._send(200, ARTICLE_HTML.encode(), "text/html; charset=utf-8"),
                "/plain.txt": lambda: self._send(200, PLAIN_TEXT.encode(), "text/plain; charset=utf-8"),
                "/image.png": lambda: self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
                "/redirect": lambda: self._redirect("/article.html"),
                "/to-file": lambda: self._redirect("file:///etc/passwd"),
                "/loop": lambda: self._redirect("/loop"),
                "/hang": lambda: server.release.wait(30),
                "/drip": self._drip,
                "/huge": lambda: self._huge(declared=False),
                "/huge-declared": lambda: self._huge(declared=True),
            }
            routes.get(self.path, lambda: self._send(404, b"<html><body>Not found</body></html>", "text/html"))()

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _drip(self) -> None:
            body = ARTICLE_HTML.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for k in range(len(body)):
                    if server.release.is_set():
                        return
                    self.wfile.write(body[k : k + 1])
                    self.wfile.flush()
                    time.sleep(server.drip_seconds)
            except OSError:
                return

        def _huge(self, *, declared: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if declared:
                self.send_header("Content-Length", str(server.huge_bytes))
            self.end_headers()
            block = b"<p>" + b"Odesa " * 10000 + b"</p>"
            try:
                for _ in range(server.huge_bytes // len(block) + 1):
                    self.wfile.write(block)
            except OSError:
                return

    return Handler


@contextmanager
def page_server(**options: object) -> Iterator[PageServer]:
    """A running :class:`PageServer` on 127.0.0.1 (an ephemeral port), stopped at the end."""
    state = PageServer(**options)  # type: ignore[arg-type]
    httpd = ThreadingHTTPServer((state.host, 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
