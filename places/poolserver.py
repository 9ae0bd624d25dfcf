"""The geoparsing pool's fork server: the place index loaded once, every worker forked from it.

:mod:`places.parallel` starts multiprocessing's fork server with this module as its preload and
:data:`SERVER_ENV` set in the server's environment only; importing it there loads the index and
geoparses :data:`WARM_UP` (a fixed text, no article's: the lazy tables and first-use imports),
so each worker is a fork that shares the index's pages and starts in milliseconds.  Imported
anywhere else (the parent, a test) it loads nothing.  A worker uses the preloaded geoparser only
while it is the index the worker would load itself (same file, unchanged since); see :func:`preloaded`.
"""

from __future__ import annotations

__all__ = ["SERVER_ENV", "WARM_UP", "Preloaded", "index_stamp", "preload", "preloaded"]

import gc
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from places.model import Article

if TYPE_CHECKING:
    from places.geoparse import Geoparser

SERVER_ENV = "GAZETTE_POOL_SERVER"  # set ("1") only in the fork server's environment

# A first parse costs ~0.3 s more than later ones (lazy tables, first-use imports).
WARM_UP = Article(id="warm-up", title="", text="Officials in Springfield, Illinois, met the mayor of Odesa and "
                  "visitors from Texas, Paris and the Black Sea coast on Monday.")


@dataclass(frozen=True, slots=True)
class Preloaded:
    """The fork server's geoparser and the index file it was loaded from (path, inode, size, mtime)."""

    geoparser: Geoparser
    stamp: tuple[str, int, int, int]


_preloaded: Preloaded | None = None


def index_stamp() -> tuple[str, int, int, int] | None:
    """The index file this process would load (path and its inode, size, mtime), or None when there is none."""
    from places.indexformat import index_path

    path = index_path()
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def preload() -> None:
    """Load the index and warm a geoparser on it, when it is already built (a build is left to
    the workers, which report it); any failure leaves nothing preloaded: each worker loads its own."""
    global _preloaded
    stamp = index_stamp()
    if stamp is None:
        return
    try:
        from places.gazetteer import Gazetteer
        from places.geoparse import Geoparser

        parser = Geoparser(Gazetteer.load())
        parser.parse(WARM_UP)
    except Exception:  # noqa: BLE001 - the workers load the index themselves and report what fails
        return
    if index_stamp() == stamp:
        _preloaded = Preloaded(parser, stamp)
        gc.freeze()  # the forks share these pages: no collection should write to them


def preloaded() -> Geoparser | None:
    """The fork server's warmed geoparser, if this process has one and the index it would load now is that one."""
    if _preloaded is not None and index_stamp() == _preloaded.stamp:
        return _preloaded.geoparser
    return None


if os.environ.get(SERVER_ENV) == "1":
    preload()
