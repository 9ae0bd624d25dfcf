"""A week of news at scale: the 588 LGL articles as a folder, and 10,000 synthetic places.

    .venv/bin/python bench/corpus.py [--jobs N] [--runs 3]

1. LGL (``../shared/corpora/LGL.jsonl``, text only) written out as 588 files into a temp folder,
   loaded as a folder (places.sources.open_sources), geoparsed with the pool
   (places.parallel.geoparse_stream), timed in the parent from the first submit to the last result
   received, after every worker has loaded the index; beside it one process on the same articles.
   Target: pool <= 0.6 s on 2 cores.  Peak memory: this process's and its children's max RSS.
2. 10,000 synthetic places over 1,000 dated articles, generated in code (GeoparsedArticle records).
3. Hooks for the viewer's steps (``map_in_window``, ``exported_html_in_chromium``): the viewer
   engineer fills them; each takes the GeoparsedArticles and returns seconds (or None: not yet).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.geoparse import shared_geoparser  # noqa: E402
from places.model import Article, GeoparsedArticle, Kind, Mention, Place  # noqa: E402
from places.parallel import default_jobs, geoparse_stream  # noqa: E402
from places.sources import open_sources  # noqa: E402

LGL = ROOT.parent / "shared" / "corpora" / "LGL.jsonl"


def write_lgl_folder(folder: Path) -> int:
    """Each LGL article's text as ``<id>.txt`` (only the text: the folder is what a person would open)."""
    n = 0
    with open(LGL, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            (folder / f"{n:04}-{record['id']}.txt").write_text(record["text"], encoding="utf-8")
            n += 1
    return n


def time_pool(articles: Sequence[Article], *, jobs: int) -> tuple[float, list[GeoparsedArticle]]:
    started: list[float] = []
    docs = list(geoparse_stream(articles, jobs=jobs, min_parallel=1, on_ready=lambda: started.append(time.perf_counter())))
    return time.perf_counter() - started[0], docs


def time_one_process(articles: Sequence[Article]) -> tuple[float, list[GeoparsedArticle]]:
    return time_pool(articles, jobs=1)


def synthetic(*, places: int = 10_000, articles: int = 1_000, seed: int = 12) -> list[GeoparsedArticle]:
    """``places`` distinct places mentioned across ``articles`` articles dated over a year."""
    rng = random.Random(seed)
    pool = [Place(id=f"synthetic:{i}", name=f"Place {i}", lat=rng.uniform(-60, 70), lon=rng.uniform(-180, 180),
                  kind=rng.choice((Kind.CITY, Kind.CITY, Kind.CITY, Kind.REGION, Kind.FACILITY)), country="XX")
            for i in range(places)]  # fmt: skip
    per = places // articles
    docs = []
    start = date(2024, 1, 1)
    for a in range(articles):
        names = pool[a * per : (a + 1) * per]
        text = " ".join(f"Officials met in {p.name}." for p in names)
        article = Article(id=f"a{a}", title=f"Synthetic article {a}", text=text, published=(start + timedelta(days=a % 366)).isoformat())
        mentions, pos = [], 0
        for p in names:
            start_at = text.index(p.name, pos)
            sentence = f"Officials met in {p.name}."
            mentions.append(Mention(article.id, start_at, start_at + len(p.name), p.name, p, sentence, start_at - 17))
            pos = start_at + len(p.name)
        docs.append(GeoparsedArticle(article, tuple(mentions)))
    return docs


def map_in_window(docs: Sequence[GeoparsedArticle]) -> float | None:
    """Seconds from handing ``docs`` to the window until its map is ready (viewer: fill in)."""
    return None


def exported_html_in_chromium(docs: Sequence[GeoparsedArticle]) -> float | None:
    """Seconds until the exported HTML of ``docs`` is interactive in headless Chromium (viewer: fill in)."""
    return None


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    shared_geoparser().gazetteer  # noqa: B018 - the index, loaded before any clock starts
    with tempfile.TemporaryDirectory(prefix="gazette-lgl-") as tmp:
        n = write_lgl_folder(Path(tmp))
        started = time.perf_counter()
        sources = open_sources([tmp])
        load = time.perf_counter() - started
        articles = sources.articles
        print(f"LGL: {n} files written, {len(articles)} articles loaded as a folder in {load:.2f} s ({sources.summary or 'all read'})")
        pools, ones = [], []
        for _ in range(opts.runs):
            seconds, pooled = time_pool(articles, jobs=opts.jobs)
            pools.append(seconds)
            seconds, single = time_one_process(articles)
            ones.append(seconds)
            assert pooled == single, "the pool must give what one process gives"
        mentions = sum(len(d.mentions) for d in single)
        print(f"  geoparse, pool of {opts.jobs}: best {min(pools):.3f} s, median {sorted(pools)[len(pools) // 2]:.3f} s "
              f"(target <= 0.6 s); one process: best {min(ones):.3f} s; {mentions} mentions, identical output")
        for name, hook in (("map in the window", map_in_window), ("exported HTML in Chromium", exported_html_in_chromium)):
            seconds = hook(single)
            print(f"  {name}: " + ("not measured yet (viewer hook)" if seconds is None else f"{seconds:.2f} s"))
    started = time.perf_counter()
    docs = synthetic()
    made = time.perf_counter() - started
    print(f"synthetic: {sum(len(d.mentions) for d in docs)} places over {len(docs)} dated articles, made in {made:.2f} s")
    for name, hook in (("map in the window", map_in_window), ("exported HTML in Chromium", exported_html_in_chromium)):
        seconds = hook(docs)
        print(f"  {name}: " + ("not measured yet (viewer hook)" if seconds is None else f"{seconds:.2f} s"))
    own, children = _peak_mb()
    print(f"peak RSS: this process {own:.0f} MB, largest child {children:.0f} MB")


if __name__ == "__main__":
    main()
