"""Quality floor for CI: the geoparser over a fixed sample, scored by the shared scorer.

Floors sit a little below the figures measured when they were set (see bench/score_corpora.py
for the full runs); raise them when the geoparser improves, never lower them to pass.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from places.geoparse import Geoparser
from places.model import Article
from tests.conftest import shared_path
from tests.places._gazetteer_fixture import shared_gazetteer

SAMPLE = 60
FLOORS = {  # F1_161 (and P/R for the seed)
    "LGL": 0.63,
    "GeoVirus": 0.74,
}


def _scorer():
    path = shared_path("tools", "geoparse_score.py")
    spec = importlib.util.spec_from_file_location("geoparse_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(parser: Geoparser, docs: list[dict]) -> tuple[dict, dict]:
    gold, pred = {}, {}
    for d in docs:
        doc = parser.parse(Article(id=str(d["id"]), title="", text=d["text"]))
        gold[str(d["id"])] = d["places"]
        pred[str(d["id"])] = [{"start": m.start, "end": m.end, "lat": m.place.lat, "lon": m.place.lon}
                              for m in doc.mentions]
    return gold, pred


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return Geoparser(shared_gazetteer())


def _load(path, limit=None) -> list[dict]:
    lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
    return [json.loads(ln) for ln in lines[:limit]]


def test_seed_article(parser):
    scorer = _scorer()
    docs = _load(shared_path("articles", "putin-kim-vostochny.gold.jsonl"))
    s = scorer.score(*_run(parser, docs))
    assert s["P"] >= 0.95 and s["R"] >= 0.95 and s["F1_161"] >= 0.95, s


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_corpus_sample(parser, corpus):
    scorer = _scorer()
    docs = _load(shared_path("corpora", f"{corpus}.jsonl"), SAMPLE)
    s = scorer.score(*_run(parser, docs))
    assert s["F1_161"] >= FLOORS[corpus], s
