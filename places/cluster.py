"""The same geoparser over a Dask cluster (dask.distributed), for archives one machine cannot hold.

    for doc in geoparse_on_cluster(articles, scheduler="tcp://10.0.0.5:8786"):   # input order
        ...

Optional (``pip install .[cluster]``): dask is imported only here, only when called.  Each worker
process loads the place index once (a worker plugin, at start-up, and a per-process geoparser
after that); the input is read lazily and sent in partitions of ``partition_size`` articles, at
most ``max_in_flight`` at a time, so memory stays bounded however large the input; results are
yielded in input order as their partitions finish.  Workers need Gazette installed (the same
version) to import :mod:`places`.
"""

from __future__ import annotations

__all__ = ["CLUSTER_INSTALL", "PartitionDone", "cluster_available", "geoparse_on_cluster"]

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from places.errors import GazetteError
from places.model import Article, GeoparsedArticle

CLUSTER_INSTALL = "pip install '.[cluster]'"


@dataclass(frozen=True, slots=True)
class PartitionDone:
    """One partition's result has come back (for progress and tests)."""

    index: int  # the partition's place in the input, from 0
    articles: int
    worker_pid: int  # the worker process that geoparsed it
    in_flight: int  # partitions submitted and not yet received, this one included


def cluster_available() -> None:
    """Nothing when dask.distributed is installed, else a GazetteError saying how to install it."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise GazetteError(f"--scheduler needs Dask, which is not installed; run: {CLUSTER_INSTALL}") from None


def _parse_partition(articles: tuple[Article, ...], demonyms: bool = False) -> tuple[int, tuple[GeoparsedArticle, ...]]:
    from places.geoparse import shared_geoparser

    parser = shared_geoparser(demonyms=demonyms)  # once per worker process (the plugin has usually built it already)
    return os.getpid(), tuple(parser.parse(a) for a in articles)


def _plugin() -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class GazetteerPlugin(WorkerPlugin):
        """Loads the place index when a worker starts, before it is sent any article."""

        name = "gazette-gazetteer"

        def setup(self, worker: Any) -> None:
            from places.geoparse import shared_geoparser

            shared_geoparser().gazetteer  # noqa: B018

    return GazetteerPlugin()


def geoparse_on_cluster(
    articles: Iterable[Article], *, scheduler: str | Any, partition_size: int = 32, max_in_flight: int | None = None,
    on_partition: Callable[[PartitionDone], None] | None = None, demonyms: bool = False,
) -> Iterator[GeoparsedArticle]:
    """Each article geoparsed on the cluster at ``scheduler`` (an address, or a ``distributed.Client``), in input order.

    ``max_in_flight`` (default: twice the workers' threads) bounds the partitions sent and not yet
    received; the input is not read further until one comes back.
    """
    cluster_available()
    from distributed import Client

    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="30s") if own else scheduler
    except (OSError, TimeoutError) as err:
        raise GazetteError(f"Cannot reach the Dask scheduler at {scheduler}: {err}.") from err
    try:
        client.register_plugin(_plugin())
        if max_in_flight is None:
            threads = sum(client.nthreads().values()) or 1
            max_in_flight = 2 * threads
        yield from _stream(client, articles, partition_size=partition_size, max_in_flight=max(1, max_in_flight),
                           on_partition=on_partition, demonyms=demonyms)  # fmt: skip
    finally:
        if own:
            client.close()


def _stream(client: Any, articles: Iterable[Article], *, partition_size: int, max_in_flight: int,
            on_partition: Callable[[PartitionDone], None] | None, demonyms: bool = False) -> Iterator[GeoparsedArticle]:
    pending: deque[tuple[int, int, Any]] = deque()
    source = iter(articles)
    index = 0
    try:
        while True:
            while len(pending) < max_in_flight:
                part = tuple(a for _, a in zip(range(partition_size), source))
                if not part:
                    break
                # pure=False: two equal partitions are still two tasks (their ids differ anyway)
                pending.append((index, len(part), client.submit(_parse_partition, part, demonyms, pure=False)))
                index += 1
            if not pending:
                return
            number, size, future = pending[0]
            pid, docs = future.result()
            if on_partition:
                on_partition(PartitionDone(number, size, pid, len(pending)))
            pending.popleft()
            future.release()
            yield from docs
    finally:
        for _, _, future in pending:
            future.cancel()
