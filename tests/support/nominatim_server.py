"""A real HTTP server on 127.0.0.1 that answers like Nominatim, for tests.

It serves ``GET /search?q=…&format=json[&limit=N]`` and ``GET /reverse?lat=…&lon=…&format=json``
from a small table of places written here (coordinates from GeoNames / OpenStreetMap),
records every request with its arrival time, and can be switched to misbehave:
``mode = "ok" | "error500" | "hang" | "garbage" | "drip" | "drip-headers" | "huge" | "huge-declared"``
(drip: a valid answer one byte every ``drip_seconds``; huge: ``huge_bytes`` of JSON streamed
without a length; huge-declared: the same announced by Content-Length).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Our own facts: name -> (lat, lon, display_name, class, type, osm_id); source: GeoNames/OSM.
PLACES: dict[str, tuple[float, float, str, str, str, int]] = {
    "tsiolkovsky": (51.6790, 128.0770, "Tsiolkovsky, Amur Oblast, Russia", "place", "town", 1001),
    "vostochny cosmodrome": (51.8844, 128.3339, "Vostochny Cosmodrome, Amur Oblast, Russia", "landuse", "military", 1002),
    "zvezdny gorodok": (55.8800, 38.1100, "Zvezdny Gorodok, Moscow Oblast, Russia", "place", "town", 1003),
    "kyiv": (50.4501, 30.5234, "Kyiv, Ukraine", "place", "city", 1004),
    "odesa": (46.4825, 30.7233, "Odesa, Odesa Oblast, Ukraine", "place", "city", 1005),
    # Fictional, so that no offline gazetteer knows it: only this server can place it.
    "kvorthal spaceport": (-12.3456, 45.6789, "Kvorthal Spaceport, Nowhere", "aeroway", "spaceport", 1006),
}


def nominatim_record(key: str) -> dict[str, object]:
    lat, lon, display, cls, typ, osm_id = PLACES[key]
    return {
        "place_id": 900000 + osm_id,
        "licence": "Test data",
        "osm_type": "node",
        "osm_id": osm_id,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "class": cls,
        "type": typ,
        "place_rank": 16,
        "importance": 0.5,
        "addresstype": typ,
        "name": display.split(",")[0],
        "display_name": display,
        "boundingbox": [f"{lat - 0.05:.7f}", f"{lat + 0.05:.7f}", f"{lon - 0.05:.7f}", f"{lon + 0.05:.7f}"],
    }


@dataclass
class Request:
    path: str
    params: dict[str, str]
    at: float  # time.monotonic() on arrival
    user_agent: str


@dataclass
class NominatimServer:
    host: str = "127.0.0.1"
    port: int = 0
    mode: str = "ok"
    drip_seconds: float = 1.0
    huge_bytes: int = 300_000_000
    requests: list[Request] = field(default_factory=list)
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def domain(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, object]:
        if path == "/search":
            query = " ".join(params.get("q", "").casefold().split())
            hits = [nominatim_record(query)] if query in PLACES else []
            limit = int(params.get("limit", "10"))
            return 200, hits[:limit]
        if path == "/reverse":
            lat, lon = float(params["lat"]), float(params["lon"])
            best = min(PLACES, key=lambda k: math.dist((lat, lon), PLACES[k][:2]))
            if math.dist((lat, lon), PLACES[best][:2]) > 1.0:
                return 200, {"error": "Unable to geocode"}
            return 200, nominatim_record(best)
        return 404, {"error": "not found"}

    def release(self) -> None:
        """Let hanging handlers finish (called on shutdown)."""
        self._release.set()


def _handler(server: NominatimServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep tests quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            server.record(Request(url.path, params, time.monotonic(), self.headers.get("User-Agent", "")))
            if server.mode == "hang":
                server._release.wait(30)
                return
            if server.mode == "error500":
                self._send(500, b"<html>Internal Server Error</html>", "text/html")
                return
            if server.mode in ("drip", "drip-headers"):
                self._drip(json.dumps(server.answer(url.path, params)[1]).encode(), headers=server.mode == "drip-headers")
                return
            if server.mode in ("huge", "huge-declared"):
                self._huge(declared=server.mode == "huge-declared")
                return
            if server.mode == "garbage":
                self._send(200, b"<html>not json</html>", "application/json")
                return
            status, body = server.answer(url.path, params)
            self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8")

        def _drip(self, body: bytes, *, headers: bool) -> None:
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                    "Connection: close\r\n\r\n").encode()
            out = head + body if headers else body
            if not headers:
                self.wfile.write(head)
            try:
                for k in range(len(out)):
                    self.wfile.write(out[k : k + 1])
                    self.wfile.flush()
                    if server._release.wait(server.drip_seconds):
                        return
            except OSError:
                return  # the client hung up, as it should

        def _huge(self, *, declared: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if declared:
                self.send_header("Content-Length", str(server.huge_bytes))
            self.send_header("Connection", "close")
            self.end_headers()
            block = b'[{"display_name": "' + b"x" * 65000 + b'"},'
            try:
                sent = 0
                while sent < server.huge_bytes and not server._release.is_set():
                    self.wfile.write(block)
                    sent += len(block)
            except OSError:
                return

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def running_server(*, mode: str = "ok", **options: object) -> Iterator[NominatimServer]:
    """Start a server on a free port in a thread; stop it (and release hangs) on exit."""
    state = NominatimServer(mode=mode, **options)  # type: ignore[arg-type]
    httpd = ThreadingHTTPServer((state.host, 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="nominatim-test-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
