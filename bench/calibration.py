"""How far to trust ``Mention.confidence``: reliability on held-out documents, and the fit.

    .venv/bin/python bench/calibration.py          # report on the held-out documents
    .venv/bin/python bench/calibration.py --fit    # refit places/data/confidence.json, then report
    .venv/bin/python bench/calibration.py --explain FILE   # each feature's part in each name's confidence

A mention counts as right when it overlaps a gold span (matched one to one in text order, as the
shared scorer does) and lies within 161 km of it, so the confidence estimates what F1_161 counts.
The fit uses the shared corpora and the reference article, less the documents listed in
bench/calibration_heldout.txt; the
report (per bin: count, mean confidence, observed accuracy; ECE, Brier score, AUROC) is on those
held-out documents only, beside a constant confidence (the fit set's accuracy) and the old
softmax margin. It also derives the "Did you mean…" threshold: the confidence below which
flagging a mention as doubtful best separates wrong readings from right ones (F1 of flagging
the wrong ones, on the fit set).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.confidence import FEATURES, WEIGHTS_PATH, feature_vector, load_weights  # noqa: E402
from places.gazetteer import Gazetteer, haversine_km  # noqa: E402
from places.recognize import RecognizeOptions, recognize  # noqa: E402
from places.resolve import resolve  # noqa: E402
from places.storage import atomic_write_text  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPORA = ("LGL", "GeoVirus")
SEED = SHARED / "articles" / "putin-kim-vostochny.gold.jsonl"  # fitted on too: geopolitical news, as Gazette's readers read
HELDOUT = Path(__file__).resolve().parent / "calibration_heldout.txt"
BINS = 10


def _examples(gaz: Gazetteer) -> list[tuple[str, tuple[float, ...], float, float, int]]:
    """(doc id, features, confidence, old margin, right?) for every mention of both corpora."""
    out = []
    options = replace(RecognizeOptions(), fallback_cues=False)
    for path in [SHARED / "corpora" / f"{corpus}.jsonl" for corpus in CORPORA] + [SEED]:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            doc = json.loads(line)
            gold = doc["places"]
            used: set[int] = set()
            for r in resolve(recognize(doc["text"], gaz, options=options), gaz):
                c, row = r.candidate, gaz.row(r.row)
                right = 0
                for j, g in enumerate(gold):
                    if j not in used and c.start < g["end"] and g["start"] < c.end:
                        used.add(j)
                        right = int(g.get("lat") is not None and haversine_km(row.lat, row.lon, g["lat"], g["lon"]) <= 161)
                        break
                ev = r.evidence
                out.append((str(doc["id"]), feature_vector(ev), r.confidence, ev.margin, right))
    return out


def _fit(xs: list[tuple[float, ...]], ys: list[int], *, l2: float = 1e-2, rounds: int = 30) -> list[float]:
    import numpy as np

    x = np.array(xs)
    y = np.array(ys, dtype=float)
    w = np.zeros(x.shape[1])
    reg = l2 * np.eye(x.shape[1])
    reg[0, 0] = 0.0
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + reg @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + reg
        w -= np.linalg.solve(hess, grad)
    return [float(v) for v in w]


def _auroc(conf: list[float], ys: list[int]) -> float:
    pairs = sorted(zip(conf, ys))
    n_pos = sum(ys)
    n_neg = len(ys) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    rank_sum, k = 0.0, 0
    while k < len(pairs):  # average ranks over ties
        m = k
        while m < len(pairs) and pairs[m][0] == pairs[k][0]:
            m += 1
        rank_sum += sum(y for _, y in pairs[k:m]) * (k + m + 1) / 2
        k = m
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _report(name: str, conf: list[float], ys: list[int], *, table: bool) -> None:
    n = len(ys)
    brier = sum((c - y) ** 2 for c, y in zip(conf, ys)) / n
    ece = 0.0
    rows = []
    for b in range(BINS):
        lo, hi = b / BINS, (b + 1) / BINS
        idx = [i for i, c in enumerate(conf) if lo <= c < hi or (b == BINS - 1 and c == 1.0)]
        if not idx:
            continue
        mean_c = sum(conf[i] for i in idx) / len(idx)
        acc = sum(ys[i] for i in idx) / len(idx)
        ece += len(idx) / n * abs(acc - mean_c)
        rows.append(f"  [{lo:.1f}, {hi:.1f})  {len(idx):>6}  {mean_c:>9.3f}  {acc:>9.3f}")
    print(f"{name:<28} n={n:<6} ECE={ece:.3f}  Brier={brier:.3f}  AUROC={_auroc(conf, ys):.3f}")
    if table:
        print("  bin          count  mean conf  accuracy")
        print("\n".join(rows))


def _threshold(conf: list[float], ys: list[int]) -> float:
    """The confidence below which flagging best finds the wrong mentions (F1 of flagged-and-wrong)."""
    best, best_f1 = 0.5, -1.0
    wrong = len(ys) - sum(ys)
    for t in [k / 100 for k in range(5, 100)]:
        flagged = [y for c, y in zip(conf, ys) if c < t]
        tp = sum(1 for y in flagged if y == 0)
        if not flagged or not tp:
            continue
        p, r = tp / len(flagged), tp / wrong
        f1 = 2 * p * r / (p + r)
        if f1 > best_f1:
            best, best_f1 = t, f1
    return best


def _explain(path: Path, gaz: Gazetteer) -> None:
    """Each name's first mention in a text: its reading, confidence and every feature's part of the log-odds."""
    weights = load_weights()
    seen: set[str] = set()
    for r in resolve(recognize(path.read_text(encoding="utf-8"), gaz), gaz):
        if r.candidate.key in seen or r.evidence is None:
            continue
        seen.add(r.candidate.key)
        row = gaz.row(r.row)
        parts = [(name, w * x) for name, w, x in zip(FEATURES, weights, feature_vector(r.evidence)) if w * x]
        print(f"{r.candidate.text!r} -> {row.name} ({row.kind}, {row.id}): {r.confidence:.3f}")
        print("   " + "  ".join(f"{name} {v:+.2f}" for name, v in parts) + f"  = {sum(v for _, v in parts):+.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", action="store_true", help="refit the weights on the non-held-out documents")
    ap.add_argument("--explain", type=Path, metavar="FILE", help="print each feature's part in the confidences of a text")
    args = ap.parse_args()
    if args.explain:
        _explain(args.explain, Gazetteer.load())
        return 0
    heldout = {ln.strip() for ln in HELDOUT.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")}
    gaz = Gazetteer.load()
    examples = _examples(gaz)
    fit = [e for e in examples if e[0] not in heldout]
    test = [e for e in examples if e[0] in heldout]
    if args.fit:
        weights = _fit([e[1] for e in fit], [e[4] for e in fit])
        payload = {"fitted_on": f"{len(fit)} mentions of {len({e[0] for e in fit})} documents of {', '.join(CORPORA)} and {SEED.stem}"
                                f" (held out: {len(heldout)} documents, {HELDOUT.name})",
                   "weights": dict(zip(FEATURES, (round(w, 4) for w in weights)))}
        atomic_write_text(WEIGHTS_PATH, json.dumps(payload, indent=1) + "\n")
        print(f"wrote {WEIGHTS_PATH}")
        load_weights.cache_clear()
        examples = _examples(gaz)
        fit = [e for e in examples if e[0] not in heldout]
        test = [e for e in examples if e[0] in heldout]
    base = sum(e[4] for e in fit) / len(fit)
    ys = [e[4] for e in test]
    print(f"held-out: {len({e[0] for e in test})} documents, {len(test)} mentions; fit set accuracy {base:.3f}")
    _report("calibrated confidence", [e[2] for e in test], ys, table=True)
    _report("constant (fit-set accuracy)", [base] * len(ys), ys, table=False)
    _report("old softmax margin", [e[3] for e in test], ys, table=False)
    t = _threshold([e[2] for e in fit], [e[4] for e in fit])
    flagged = [e for e in test if e[2] < t]
    wrong = sum(1 for e in flagged if not e[4])
    print(f'"Did you mean…" threshold: {t:.2f} (held out: flags {len(flagged)} of {len(test)} mentions, '
          f"{wrong} of them wrong, {wrong}/{len(test) - sum(ys)} of all wrong ones)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
