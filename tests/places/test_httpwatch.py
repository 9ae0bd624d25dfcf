"""places.httpwatch: one deadline for a whole exchange, and a capped body, against a real local server."""

from __future__ import annotations

import http.client
import time

import pytest

from places.httpwatch import BodyTooLarge, read_capped, watched
from tests.support.page_server import page_server


def _get(server, path: str, *, seconds: float, max_bytes: int = 1_000_000) -> tuple[bytes, bool]:
    """(the body read, whether the watchdog cut it)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=seconds)
    with watched(conn, seconds) as expired:
        conn.request("GET", path)
        body = read_capped(conn.getresponse(), max_bytes)
        return body, expired.is_set()


def test_a_dripping_answer_is_cut_at_the_deadline_not_per_read():
    with page_server(drip_seconds=0.05) as server:
        started = time.monotonic()
        # Every read succeeds within the socket timeout; only the watchdog ends the answer (shut: a short body).
        _body, cut = _get(server, "/drip", seconds=0.6)
        assert cut and time.monotonic() - started < 3.0


def test_a_body_over_the_cap_is_refused_while_read_or_from_its_length():
    with page_server(huge_bytes=300_000) as server:
        with pytest.raises(BodyTooLarge) as unannounced:
            _get(server, "/huge", seconds=5, max_bytes=100_000)
        assert unannounced.value.declared is None
        with pytest.raises(BodyTooLarge) as announced:
            _get(server, "/huge-declared", seconds=5, max_bytes=100_000)
        assert announced.value.declared == 300_000
        body, cut = _get(server, "/plain.txt", seconds=5)
        assert b"Varna" in body and not cut
