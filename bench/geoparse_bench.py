"""Speed and memory of Gazette's geoparser beside geotext, over the same LGL articles, one run.

    .venv/bin/python bench/geoparse_bench.py [--corpus ../shared/corpora/LGL.jsonl] [--limit N]

Prints the warm index load time, ms/article (median, mean) for Gazette and for geotext
(``from geotext import GeoText``), their ratio, and the process's peak RSS. Pinned to one
core where the OS allows. The index must already be built (run Gazette once).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.gazetteer import Gazetteer  # noqa: E402
from places.geoparse import Geoparser  # noqa: E402
from places.model import Article  # noqa: E402


def timed(fn, items, repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU ms per item, each the best of ``repeats`` runs (other processes on a
    shared machine only ever add time, so the minimum is the least noisy estimate)."""
    wall = [float("inf")] * len(items)
    cpu = [float("inf")] * len(items)
    for _ in range(repeats):
        for n, item in enumerate(items):
            t0, c0 = time.perf_counter(), time.process_time()
            fn(item)
            c = (time.process_time() - c0) * 1000
            w = (time.perf_counter() - t0) * 1000
            wall[n] = min(wall[n], w)
            cpu[n] = min(cpu[n], c)
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "LGL.jsonl")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--repeats", type=int, default=3, help="runs per article; the best one counts")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}")
        return 1
    texts = [json.loads(line)["text"] for line in args.corpus.read_text(encoding="utf-8").split("\n") if line.strip()]
    if args.limit:
        texts = texts[: args.limit]
    Gazetteer.load()  # build if needed, outside the timing
    loads = []
    for _ in range(3):
        t0 = time.perf_counter()
        gaz = Gazetteer.load()
        loads.append(time.perf_counter() - t0)
    parser = Geoparser(gaz)
    articles = [Article(id=str(n), title="", text=t) for n, t in enumerate(texts)]
    for a in articles[:20]:
        parser.parse(a)  # warm caches
    ours, ours_cpu = timed(parser.parse, articles, args.repeats)

    from geotext import GeoText

    GeoText("warm up in Paris")
    peer, peer_cpu = timed(GeoText, texts, args.repeats)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    med_o, med_p = statistics.median(ours), statistics.median(peer)
    print(f"articles                 {len(texts)} ({args.corpus.name})")
    print(f"index load (warm)        {min(loads) * 1000:.0f} ms (best of 3; {', '.join(f'{x * 1000:.0f}' for x in loads)})")
    print(f"gazette  ms/article      median {med_o:.2f}  mean {statistics.mean(ours):.2f}")
    print(f"geotext  ms/article      median {med_p:.2f}  mean {statistics.mean(peer):.2f}")
    print(f"gazette  CPU ms/article  median {statistics.median(ours_cpu):.2f}  mean {statistics.mean(ours_cpu):.2f}")
    print(f"geotext  CPU ms/article  median {statistics.median(peer_cpu):.2f}  mean {statistics.mean(peer_cpu):.2f}")
    print(f"load average             {os.getloadavg()[0]:.1f} (other processes share the cores)")
    print(f"ratio gazette/geotext    median {med_o / med_p:.2f}  mean {statistics.mean(ours) / statistics.mean(peer):.2f}")
    print(f"peak RSS                 {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
