"""One deadline for a whole HTTP exchange, and a body read under a size cap.

``http.client``'s own timeout is per socket operation, so a server that drips a byte at a time can
hold a read for ever. :func:`watched` puts a watchdog on a connection instead: when the time is up
it shuts every socket the connection opened, which wakes a blocked read at once. Used by the
online geocoder (:mod:`places.online`) and by fetched links (:mod:`places.fetch`), which convert
the ``OSError`` that follows into their own errors.
"""

from __future__ import annotations

__all__ = ["BodyTooLarge", "read_capped", "watched"]

import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class BodyTooLarge(ValueError):
    """The body is over the cap; ``declared`` is the Content-Length when that already said so."""

    def __init__(self, max_bytes: int, declared: int | None = None) -> None:
        super().__init__(f"the body is over {max_bytes:,} bytes")
        self.max_bytes = max_bytes
        self.declared = declared


@contextmanager
def watched(conn: http.client.HTTPConnection, seconds: float) -> Iterator[threading.Event]:
    """Run ``conn`` under a watchdog of ``seconds``; yields the event set once the time is up.

    The connection is closed on leaving. A connection opened after the deadline raises TimeoutError.
    """
    expired = threading.Event()
    opened: list[socket.socket] = []

    def connect(*args: Any, **kwargs: Any) -> socket.socket:
        sock = socket.create_connection(*args, **kwargs)
        opened.append(sock)  # the raw socket, also under TLS: the response outlives conn.sock
        if expired.is_set():
            sock.close()
            raise TimeoutError("the deadline passed")
        return sock

    def cut() -> None:
        expired.set()
        for sock in opened:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read at once
            except OSError:
                pass

    conn._create_connection = connect  # type: ignore[attr-defined]
    watchdog = threading.Timer(seconds, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield expired
    finally:
        watchdog.cancel()
        conn.close()


def read_capped(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The whole body, or BodyTooLarge as soon as the header or the bytes read pass ``max_bytes``."""
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise BodyTooLarge(max_bytes, int(length))
    body = bytearray()
    while chunk := response.read(min(65536, max_bytes + 1 - len(body))):
        body += chunk
        if len(body) > max_bytes:
            raise BodyTooLarge(max_bytes)
    return bytes(body)
