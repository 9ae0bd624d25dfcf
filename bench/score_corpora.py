"""Run Gazette's geoparser over gold JSONL corpora and score it with the shared scorer.

    .venv/bin/python bench/score_corpora.py [GOLD.jsonl ...] [--ablate NAME ...] [--limit N] [--out DIR]

Without files it scores ../shared's seed article, LGL and GeoVirus. Predictions are written
to --out (default /tmp/gazette-pred) and scored by ../shared/tools/geoparse_score.py in a
subprocess; a table of P, R, F1, acc161, F1_161 is printed. ``--ablate`` switches off one
rule or data source (see ABLATIONS) to measure what it is worth.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.gazetteer import Gazetteer  # noqa: E402
from places.geoparse import GeoparseOptions, Geoparser  # noqa: E402
from places.model import Article  # noqa: E402
from places.recognize import RecognizeOptions  # noqa: E402
from places.resolve import ResolveOptions  # noqa: E402

SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "geoparse_score.py"
DEFAULT = [SHARED / "articles" / "putin-kim-vostochny.gold.jsonl", SHARED / "corpora" / "LGL.jsonl",
           SHARED / "corpora" / "GeoVirus.jsonl"]

ABLATIONS: dict[str, tuple[str, dict]] = {
    "person": ("recognize", {"person_rules": False}),
    "org": ("recognize", {"org_rules": False}),
    "stopwords": ("recognize", {"stopwords": False}),
    "state_patterns": ("recognize", {"state_patterns": False}),
    "demonyms_on": ("recognize", {"demonyms": True}),
    "context": ("resolve", {"context": False}),
    "one_sense": ("resolve", {"one_sense": False}),
    "weak_filter": ("resolve", {"min_weak_score": 0.0}),
    "coherence": ("resolve", {"coherence": False}),
    "alias_penalty": ("resolve", {"alias_penalty": 0.0}),
    "proportional": ("resolve", {"proportional": False}),
    "fallback_cues": ("recognize", {"fallback_cues": False}),
    "namesake_city": ("resolve", {"namesake_city": False}),
}


# Data sources switched off by hiding their rows from recognition and resolution.
DATA_ABLATIONS: dict[str, tuple[str, ...]] = {
    "no_curated": ("curated:",),
    "no_counties": ("county:",),
    "no_regions": ("region:",),
    "no_continents": ("continent:",),
}


class FilteredGazetteer:
    """A gazetteer view without the rows whose id starts with one of ``hidden``."""

    def __init__(self, inner: Gazetteer, hidden: tuple[str, ...]) -> None:
        self._inner = inner
        self._hidden = hidden

    def candidates(self, key: str) -> tuple[int, ...]:
        return tuple(i for i in self._inner.candidates(key) if not self._inner.row(i).id.startswith(self._hidden))

    def has_key(self, key: str) -> bool:
        return bool(self.candidates(key))

    def key_info(self, key: str) -> int:
        return self.has_key(key) | self._inner.continues(key) << 1

    def region_abbr(self, key: str):
        return None if "region:".startswith(self._hidden) else self._inner.region_abbr(key)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def options_for(ablate: list[str]) -> GeoparseOptions:
    rec, res = {}, {}
    for name in ablate:
        if name in DATA_ABLATIONS:
            continue
        stage, kw = ABLATIONS[name]
        (rec if stage == "recognize" else res).update(kw)
    return GeoparseOptions(recognize=RecognizeOptions(**rec), resolve=ResolveOptions(**res))


def predict(parser: Geoparser, gold: Path, out: Path, limit: int | None) -> float:
    lines = gold.read_text(encoding="utf-8").split("\n")
    if limit:
        lines = lines[:limit]
    t0 = time.perf_counter()
    rows = []
    golds = []
    for line in lines:
        if not line.strip():
            continue
        d = json.loads(line)
        doc = parser.parse(Article(id=str(d["id"]), title="", text=d["text"]))
        rows.append(json.dumps({"id": d["id"], "places": [
            {"start": m.start, "end": m.end, "text": m.text, "name": m.place.name, "lat": m.place.lat,
             "lon": m.place.lon, "kind": str(m.place.kind), "country": m.place.country} for m in doc.mentions]}))
        golds.append(line)
    elapsed = time.perf_counter() - t0
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    if limit:
        out.with_suffix(".gold.jsonl").write_text("\n".join(golds) + "\n", encoding="utf-8")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="*", type=Path)
    ap.add_argument("--ablate", action="append", default=[], choices=sorted(ABLATIONS) + sorted(DATA_ABLATIONS))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--demonyms", action="store_true", help="include demonyms as associative mentions of their country")
    ap.add_argument("--out", type=Path, default=Path("/tmp/gazette-pred"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    gaz = Gazetteer.load()
    hidden = tuple(p for name in args.ablate for p in DATA_ABLATIONS.get(name, ()))
    ablate = args.ablate + (["demonyms_on"] if args.demonyms else [])
    parser = Geoparser(FilteredGazetteer(gaz, hidden) if hidden else gaz, options=options_for(ablate))
    print(f"{'corpus':<28}{'P':>7}{'R':>7}{'F1':>7}{'acc161':>8}{'F1_161':>8}{'docs':>6}{'ms/doc':>8}")
    for gold in args.gold or DEFAULT:
        if not gold.exists():
            print(f"{gold.name}: missing, skipped")
            continue
        name = gold.name.replace(".gold.jsonl", "").replace(".jsonl", "")
        pred = args.out / f"{name}.pred.jsonl"
        elapsed = predict(parser, gold, pred, args.limit)
        gold_used = pred.with_suffix(".gold.jsonl") if args.limit else gold
        res = subprocess.run([sys.executable, str(SCORER), str(gold_used), str(pred)], capture_output=True, text=True)
        if res.returncode != 0:
            print(f"{name}: scorer failed: {res.stderr.strip()}")
            continue
        s = json.loads(res.stdout)
        print(f"{name:<28}{s['P']:>7.3f}{s['R']:>7.3f}{s['F1']:>7.3f}{s['acc161']:>8.3f}{s['F1_161']:>8.3f}"
              f"{s['docs']:>6}{1000 * elapsed / max(1, s['docs']):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
