"""places.parallel: the pool gives what one process gives, in input order, streamed."""

from __future__ import annotations

import json
from itertools import islice

import pytest

from places.geoparse import shared_geoparser
from places.model import Article
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
