"""places.parallel: the pool gives what one process gives, in input order, streamed."""

from __future__ import annotations

import gc
import json
import os
import queue
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest

from places.geoparse import shared_geoparser
from places.model import Article
from places import parallel
from places.parallel import geoparse_stream
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def lgl() -> list[Article]:
    with open(shared_path("corpora", "LGL.jsonl"), encoding="utf-8") as f:
        records = [json.loads(line) for line in islice(f, 40)]
    return [Article(id=str(r["id"]), title=str(r["id"]), text=r["text"]) for r in records]


def test_the_pool_equals_one_process_in_input_order(lgl):
    one = [shared_geoparser().parse(a) for a in lgl]
    ready = []
    pooled = geoparse_stream(iter(lgl), jobs=2, min_parallel=4, on_ready=lambda: ready.append(True))
    first = next(pooled)  # results stream: the first arrives before the rest are asked for
    assert ready == [True]
    assert [first, *pooled] == one
    assert sum(len(d.mentions) for d in one) > 200


def test_few_articles_or_one_job_run_here(lgl):
    assert list(geoparse_stream(lgl[:3], jobs=2)) == [shared_geoparser().parse(a) for a in lgl[:3]]
    assert list(geoparse_stream(lgl[:5], jobs=1, min_parallel=1)) == [shared_geoparser().parse(a) for a in lgl[:5]]


def test_leaving_early_stops_the_workers(lgl):
    stream = geoparse_stream(iter(lgl * 3), jobs=2, min_parallel=4)
    assert next(stream).article.id == lgl[0].id
    stream.close()  # would hang, or leave processes behind, if the pool were not shut down


def test_the_stream_ends_without_waiting_for_the_workers_to_exit_unless_left_early(lgl, monkeypatch):
    # Once every answer is in, the pool's thread sees the workers out; the caller has its last
    # result and goes on. Left early, the stream waits until the workers have stopped.
    waits = []

    class Recording(parallel.ProcessPoolExecutor):
        def shutdown(self, wait=True, **kwargs):
            waits.append(wait)
            super().shutdown(wait=wait, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recording)
    assert len(list(geoparse_stream(iter(lgl), jobs=2, min_parallel=4))) == len(lgl)
    assert waits[0] is False
    waits.clear()
    stream = geoparse_stream(iter(lgl * 3), jobs=2, min_parallel=4)
    next(stream)
    stream.close()
    assert waits == [True]


def test_the_source_is_read_while_the_workers_start(lgl):
    pulled = []

    def source():
        for article in lgl:
            time.sleep(0.002)  # a file read
            pulled.append(article.id)
            yield article

    at_ready = []
    docs = list(geoparse_stream(source(), jobs=2, min_parallel=4, on_ready=lambda: at_ready.append(len(pulled))))
    assert [d.article.id for d in docs] == [a.id for a in lgl]
    assert at_ready[0] > 4  # more than the first few were read before the first article was sent


def test_a_worker_takes_the_parents_environment_of_today(monkeypatch):
    # A fork server's child starts with the server's environment: the parent's is handed over.
    ready: queue.Queue[int] = queue.Queue()
    monkeypatch.setenv("GAZETTE_TEST_PARENT_ONLY", "1")
    environ = dict(os.environ)
    monkeypatch.delenv("GAZETTE_TEST_PARENT_ONLY")
    monkeypatch.setenv("GAZETTE_TEST_SERVER_ONLY", "1")
    monkeypatch.setattr(parallel, "_geoparser", None)
    try:
        parallel._init_worker(True, environ, ready)
    finally:
        collecting = gc.isenabled()
        gc.unfreeze()  # the worker freezes what it holds and stops the collector; this process is no worker
        gc.enable()
    assert not collecting
    assert ready.get_nowait() == os.getpid()
    assert os.environ.get("GAZETTE_TEST_PARENT_ONLY") == "1" and "GAZETTE_TEST_SERVER_ONLY" not in os.environ
    article = Article(id="a", title="", text="Russian ships left Odesa.")
    assert parallel._geoparser.parse(article) == shared_geoparser(demonyms=True).parse(article)


_FROM_ANOTHER_FOLDER = """
import sys
sys.path.insert(0, sys.argv[1])
from places.geoparse import shared_geoparser
from places.model import Article
from places.parallel import geoparse_stream
articles = [Article(id=str(n), title="", text=f"Ships left Odesa for Varna and Istanbul on day {n}.") for n in range(6)]
print(list(geoparse_stream(articles, jobs=2, min_parallel=1)) == [shared_geoparser().parse(a) for a in articles])
"""


def test_the_workers_import_this_places_not_the_working_folders(tmp_path):
    # Started from another checkout (a folder with a places package of its own), the workers still
    # run this one's code: the fork server's ``python -c`` would put the working folder first.
    (tmp_path / "places").mkdir()
    (tmp_path / "places" / "__init__.py").write_text("raise RuntimeError('the working folder places')\n")
    root = str(Path(parallel.__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", _FROM_ANOTHER_FOLDER, root], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, check=False)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True"]


def test_chunks_keep_input_order_grow_and_shrink_once_the_end_is_in_sight(lgl):
    articles = lgl * 10  # 400
    chunks = list(parallel._chunks(articles[:50], iter(articles[50:]), 2))
    assert [a for chunk in chunks for a in chunk] == articles
    sizes = [len(chunk) for chunk in chunks]
    first = parallel._FIRST_CHUNK
    assert sizes[:4] == [first, first, 2 * first, 2 * first]  # each worker's first chunk small, then doubling
    assert max(sizes) == parallel._CHUNK and sizes[6] == parallel._CHUNK
    assert len(chunks) < len(articles) // first * 2 // 3  # far fewer round trips than chunks of the first size
    peak = sizes.index(max(sizes))
    assert sizes[:peak] == sorted(sizes[:peak])
    assert sizes[-1] == 1 and sizes[peak:] == sorted(sizes[peak:], reverse=True)  # then smaller, down to one article


def test_chunks_read_no_more_than_they_need_to_see_the_end_coming(lgl):
    pulled = []

    def source():
        for article in lgl * 10:
            pulled.append(article)
            yield article

    unknown_end = parallel._chunks([], source(), 2)
    assert len(next(unknown_end)) == parallel._FIRST_CHUNK
    assert len(pulled) == 2 * parallel._FIRST_CHUNK * 2  # the first chunk went out after two chunks per worker were read
