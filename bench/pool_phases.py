"""Where the pool's time goes: bench/corpus.py step 1 (LGL's 588 articles, jobs=2) with each phase timed.

    .venv/bin/python bench/pool_phases.py [--runs 5] [--root CHECKOUT] [--detail]

Per run: the wall time (first submit to last result, as bench/corpus.py), the parent's CPU in
that window (all its threads: pickling, the executor's threads, the rebuilding of the answers),
per worker its chunks, CPU seconds inside them, the idle time between them (an answer out, the
next chunk in), its page faults, and the time from the last chunk's end to the stream's end (the
last answer's trip and rebuilding, the pool's shut-down); then the medians.  ``--detail`` prints every chunk (worker, size, start, end, CPU, when
the parent had it).  ``--root`` times another checkout's places (say /work/main) with the same
probe.  The probe wraps places.parallel's _parse_chunk (in the workers: this module is imported
there by name, through PYTHONPATH), _docs and _chunks; its own pickling of each answer (~0.2 ms a
chunk) is outside the chunk's timed span.
"""

from __future__ import annotations

__all__ = ["main", "timed_chunk"]

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LGL = HERE.parent.parent / "shared" / "corpora" / "LGL.jsonl"

_original: dict[str, Callable[..., Any]] = {}
_chunks_log: list[dict[str, Any]] = []


def timed_chunk(jobs: tuple[tuple[str, str], ...]) -> tuple[Any, dict[str, Any]]:
    """In a worker: places.parallel._parse_chunk, with its span, CPU and page faults."""
    from places import parallel

    parse = _original.get("chunk", parallel._parse_chunk)
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0, c0 = time.perf_counter(), time.thread_time()
    answer = parse(jobs)
    t1, c1 = time.perf_counter(), time.thread_time()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return answer, {"pid": os.getpid(), "t0": t0, "t1": t1, "cpu": c1 - c0, "n": len(jobs),
                    "minflt": after.ru_minflt - before.ru_minflt, "majflt": after.ru_majflt - before.ru_majflt}


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _install() -> None:
    from places import parallel

    _original.update(chunk=parallel._parse_chunk, docs=parallel._docs)

    def docs(chunk: Any, future: Any, places: Any) -> Iterator[Any]:
        waited = time.perf_counter()
        answer, stats = future.result()
        got = time.perf_counter()
        built = list(_original["docs"](chunk, _Done(answer), places))
        stats.update(waited=waited, got=got, built=time.perf_counter())
        _chunks_log.append(stats)
        yield from built

    parallel._parse_chunk = timed_chunk
    parallel._docs = docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout whose places are timed")
    parser.add_argument("--detail", action="store_true")
    opts = parser.parse_args()
    sys.path.insert(0, opts.root)
    # The fork server (and so each worker) imports this module by name: places.parallel puts its
    # own checkout first on the server's PYTHONPATH and keeps the rest.
    os.environ["PYTHONPATH"] = str(HERE) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    from places.geoparse import shared_geoparser
    from places.model import Article
    from places.parallel import geoparse_stream

    _install()
    shared_geoparser().gazetteer  # noqa: B018 - the index, loaded before any clock starts
    with open(LGL, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    articles = [Article(id=f"{n:04}-{r['id']}", title="", text=r["text"]) for n, r in enumerate(records)]
    list(geoparse_stream(articles[:50], jobs=2, min_parallel=1))  # the fork server started, as in bench/corpus.py's later runs
    rows = []
    for run in range(opts.runs):
        _chunks_log.clear()
        start: list[float] = []
        docs = list(geoparse_stream(articles, jobs=2, min_parallel=1,
                                    on_ready=lambda: start.extend((time.perf_counter(), time.process_time()))))  # fmt: skip
        end, cpu_end = time.perf_counter(), time.process_time()
        assert len(docs) == len(articles)
        s0 = start[0]
        log = list(_chunks_log)
        workers = sorted({x["pid"] for x in log})
        per = [[x for x in log if x["pid"] == pid] for pid in workers]
        cpu = [sum(x["cpu"] for x in mine) for mine in per]
        idle = [max(x["t1"] for x in m) - min(x["t0"] for x in m) - sum(x["t1"] - x["t0"] for x in m) for m in per]
        row = {"wall": end - s0, "parent_cpu": cpu_end - start[1], "cpu": cpu, "idle": idle, "chunks": len(log),
               "rebuild": sum(x["built"] - x["got"] for x in log), "tail": end - max(x["t1"] for x in log),
               "first": min(x["t0"] for x in log) - s0, "minflt": [sum(x["minflt"] for x in m) for m in per],
               "load": os.getloadavg()[0]}  # fmt: skip
        rows.append(row)
        print(f"run {run + 1}: wall {row['wall']:.3f} s; parent CPU {row['parent_cpu'] * 1000:.0f} ms "
              f"(rebuilding {row['rebuild'] * 1000:.0f} ms wall); {row['chunks']} chunks; workers: CPU in chunks "
              f"{' + '.join(f'{c:.3f}' for c in cpu)} s, idle between chunks {' + '.join(f'{i * 1000:.0f}' for i in idle)} ms, "
              f"minor faults {' + '.join(map(str, row['minflt']))}; first chunk at {row['first'] * 1000:.1f} ms, "
              f"stream ended {row['tail'] * 1000:.1f} ms after the last chunk (load {row['load']:.2f})", flush=True)
        if opts.detail:
            for x in log:
                print(f"    worker {x['pid']} {x['n']:3} articles: {(x['t0'] - s0) * 1000:6.1f} .. {(x['t1'] - s0) * 1000:6.1f} ms, "
                      f"CPU {x['cpu'] * 1000:5.1f} ms, parent had it at {(x['got'] - s0) * 1000:6.1f} ms")

    def med(key: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(key(r) for r in rows)

    print(f"medians of {len(rows)}: wall {med(lambda r: r['wall']):.3f} s (best {min(r['wall'] for r in rows):.3f}); "
          f"parent CPU {med(lambda r: r['parent_cpu']) * 1000:.0f} ms; workers' CPU in chunks (both) "
          f"{med(lambda r: sum(r['cpu'])):.3f} s; idle between chunks {med(lambda r: sum(r['idle']) / len(r['idle'])) * 1000:.0f} ms "
          f"a worker; {rows[0]['chunks']} chunks; load {min(r['load'] for r in rows):.2f}..{max(r['load'] for r in rows):.2f}")


if __name__ == "__main__":
    main()
