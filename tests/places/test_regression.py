"""Quality floor for CI: the geoparser over the shared corpora, scored by the shared scorer.

The whole corpora take a few seconds, so the floors guard every document. They sit just below
the figures measured when they were set (bench/score_corpora.py prints them: seed 1.000,
LGL 0.726, GeoVirus 0.876); raise them when the geoparser improves, never lower them to pass.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from places.geoparse import Geoparser
from places.model import Article
from tests.conftest import shared_path
from tests.support.gazetteer import shared_gazetteer

FLOORS = {  # F1_161
    "LGL": 0.72,
    "GeoVirus": 0.87,
}
SEED_FLOOR = 0.99  # P, R and F1_161: one wrong mention of the 35 fails


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
    assert min(s["P"], s["R"], s["F1_161"]) >= SEED_FLOOR, s


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_corpus(parser, corpus):
    scorer = _scorer()
    docs = _load(shared_path("corpora", f"{corpus}.jsonl"))
    s = scorer.score(*_run(parser, docs))
    assert s["F1_161"] >= FLOORS[corpus], s
