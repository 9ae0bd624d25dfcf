"""A map tile server on 127.0.0.1 that serves plain tiles until it is told to fail.

Every tile is one 256 × 256 PNG of :data:`TILE_RGB` (a colour the offline basemap never uses), so a
picture shows whether tiles are on it. After :meth:`TileServer.fail` each request gets its
connection closed without an answer, as when the network goes away in the middle of a session.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TILE_RGB = (60, 140, 120)


def solid_png(rgb: tuple[int, int, int], *, size: int = 256) -> bytes:
    """A ``size`` × ``size`` PNG of one colour (8-bit RGB, no library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\0" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b"")


class TileServer:
    """``template`` is a Leaflet URL for it; ``served``/``refused`` count the tiles answered and dropped."""

    def __init__(self) -> None:
        self.served = 0
        self.refused = 0
        self._failing = threading.Event()
        self._tile = solid_png(TILE_RGB)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.template = f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def fail(self) -> None:
        """From now on, drop every request."""
        self._failing.set()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=2)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep tests quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if server._failing.is_set():
                    server.refused += 1
                    self.close_connection = True
                    self.connection.close()
                    return
                server.served += 1
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(server._tile)))
                    self.send_header("Cache-Control", "no-store")
                    self.end_headers()
                    self.wfile.write(server._tile)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the page gave up on the tile (it moved on)

        return Handler


@contextmanager
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    try:
        yield server
    finally:
        server.close()
