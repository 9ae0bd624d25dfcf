"""Speed and memory of Gazette's geoparser beside geotext, over the same LGL articles, one run.

    .venv/bin/python bench/geoparse_bench.py [--corpus ../shared/corpora/LGL.jsonl] [--limit N] [--pool] [--cold]

Prints the warm index load time, ms/article (median, mean) for Gazette and for geotext
(``from geotext import GeoText``), their ratio, this process's peak RSS and the peak RSS of one
geoparser process (a fresh child that loads the index and geoparses the corpus, nothing else).
Pinned to one core where the OS allows. The index must already be built (run Gazette once).

``--pool`` adds the process pool (places.parallel.geoparse_stream, issue 12's target: 588 LGL
articles in <= 0.6 s on 2 cores): wall time in this process from the first submit (the workers
have loaded their index and are warm: ``on_ready``) to the last result received, beside one
process timed the same way (``jobs=1``), best and median of ``--pool-runs``, output compared,
and each worker's CPU seconds in the timed window (from /proc: both near the wall time means
both cores did the work).

``--cold`` adds a fresh process's first and second pass over the corpus (CPU seconds): what a pool
worker pays to fill its per-name caches, beside the warm figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
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


def read_texts(corpus: Path, limit: int | None) -> list[str]:
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").split("\n") if line.strip()]
    return texts[:limit] if limit else texts


def one_process_rss(corpus: Path, limit: int | None) -> int:
    """The child's part of the RSS measurement: load the index, geoparse the corpus, print its peak RSS (KiB)."""
    parser = Geoparser(Gazetteer.load())
    for n, text in enumerate(read_texts(corpus, limit)):
        parser.parse(Article(id=str(n), title="", text=text))
    print(peak_rss_kib())
    return 0


def peak_rss_kib() -> int:
    """This process's peak RSS. Linux's ru_maxrss of an exec'd child starts at its parent's RSS
    at the fork; VmHWM belongs to the process's own memory map."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cold_warm_child(corpus: Path, limit: int | None) -> int:
    """``--cold``'s child: a fresh process loads the index and geoparses the corpus twice; prints each
    pass's CPU seconds. The first pass fills every per-name cache (look-ups, rows, static scores,
    geometry) as a pool worker must; the second is the warm figure the one-core median reuses."""
    parser = Geoparser(Gazetteer.load())
    articles = [Article(id=str(n), title="", text=t) for n, t in enumerate(read_texts(corpus, limit))]
    for _ in range(2):
        c0 = time.process_time()
        for a in articles:
            parser.parse(a)
        print(f"{time.process_time() - c0:.3f}")
    return 0


def cold_section(corpus: Path, limit: int | None) -> None:
    cold, warm = (float(x) for x in _child_words("--cold-child", corpus, limit)[-2:])
    print(f"cold vs warm   a fresh process: first pass {cold:.3f} CPU s, second {warm:.3f} CPU s "
          f"(the cold fill: {cold - warm:.3f} s; load average {os.getloadavg()[0]:.1f})")


def _child_words(flag: str, corpus: Path, limit: int | None) -> list[str]:
    """What this script printed, word by word, run afresh with ``flag`` (one of its hidden child modes)."""
    cmd = [sys.executable, __file__, flag, "--corpus", str(corpus)] + (["--limit", str(limit)] if limit else [])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()


def child_rss_mb(corpus: Path, limit: int | None) -> float:
    return int(_child_words("--rss-child", corpus, limit)[-1]) / 1024


def children_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of each descendant process so far, by pid (Linux /proc; else empty).
    Descendants, not only children: the pool's workers are forks of its fork server."""
    out: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        todo = [os.getpid()]
        while todo:
            parent = todo.pop()
            for task in Path(f"/proc/{parent}/task").iterdir():
                for pid in map(int, (task / "children").read_text().split()):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    out[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
                    todo.append(pid)
    except (OSError, ValueError, IndexError):
        pass
    return out


def time_stream(articles: list[Article], *, jobs: int) -> tuple[float, list, list[float]]:
    """Seconds from the first submit (workers ready) to the last result received (rebuilt as a
    GeoparsedArticle), the mentions, and each worker's CPU seconds in that time (busiest first)."""
    from places.parallel import geoparse_stream

    started: list[float] = []
    cpu_start: dict[int, float] = {}

    def ready() -> None:
        cpu_start.update(children_cpu())
        started.append(time.perf_counter())

    mentions = []
    last = 0.0
    cpu_end: dict[int, float] = {}
    for doc in geoparse_stream(articles, jobs=jobs, min_parallel=1, on_ready=ready):
        mentions.append(doc.mentions)
        last = time.perf_counter()
        if len(mentions) == len(articles):
            cpu_end = children_cpu()  # before the pool shuts down
    busy = sorted((cpu_end[p] - cpu_start.get(p, 0.0) for p in cpu_end), reverse=True)
    return last - started[0], mentions, [b for b in busy if b > 0.0]


def pool_section(articles: list[Article], runs: int) -> None:
    from places.parallel import default_jobs

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))  # the pool needs the cores the bench pinned away
    jobs = default_jobs()
    pools, ones, busy = [], [], []
    same = True
    for _ in range(runs):
        seconds, pooled, workers = time_stream(articles, jobs=jobs)
        pools.append(seconds)
        busy.append((seconds, workers))
        seconds, single, _ = time_stream(articles, jobs=1)
        ones.append(seconds)
        same = same and pooled == single
    print(f"pool of {jobs}  geoparse {len(articles)} articles  best {min(pools):.3f} s  median {statistics.median(pools):.3f} s"
          f"  (target <= 0.6 s; first submit -> last result, workers warm)")
    print(f"one process    geoparse {len(articles)} articles  best {min(ones):.3f} s  median {statistics.median(ones):.3f} s"
          f"  (the same timer, jobs=1)")
    seconds, workers = min(busy)
    print(f"pool workers   CPU s in the best run ({seconds:.3f} s wall): "
          f"{', '.join(f'{w:.2f}' for w in workers) or 'not readable here'} (both cores at work when each is near the wall time)")
    print(f"pool output    {'identical to one process' if same else 'DIFFERS from one process'}"
          f"; load average {os.getloadavg()[0]:.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "LGL.jsonl")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--repeats", type=int, default=3, help="runs per article; the best one counts")
    ap.add_argument("--pool", action="store_true", help="also time the process pool (issue 12)")
    ap.add_argument("--pool-runs", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="also time a fresh process's first (cold) and second pass")
    ap.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        return one_process_rss(args.corpus, args.limit)
    if args.cold_child:
        return cold_warm_child(args.corpus, args.limit)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}")
        return 1
    texts = read_texts(args.corpus, args.limit)
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
    print(f"peak RSS                 {rss_mb:.0f} MB (this process: index, Gazette and geotext)")
    print(f"peak RSS one geoparser   {child_rss_mb(args.corpus, args.limit):.0f} MB (a fresh process: load the index, "
          f"geoparse the corpus; target <= 150 MB)")
    if args.cold:
        cold_section(args.corpus, args.limit)
    if args.pool:
        pool_section(articles, args.pool_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
