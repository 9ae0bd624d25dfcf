"""A week of news at scale: the 588 LGL articles as a folder, and 10,000 synthetic places.

    .venv/bin/python bench/corpus.py [--jobs N] [--runs 3] [--cli-runs 5] [--only-pool]

``--only-pool``: step 1's geoparse alone, each run printed (pool and one process alternately).

1. LGL (``../shared/corpora/LGL.jsonl``, text only) written out as 588 files into a temp folder,
   loaded as a folder (places.sources.open_sources), geoparsed with the pool
   (places.parallel.geoparse_stream), timed in the parent from the first submit to the last result
   received, after every worker has loaded the index; beside it one process on the same articles.
   Target: pool <= 0.6 s on 2 cores.  Peak memory: this process's and its children's max RSS.
2. 10,000 synthetic places over 1,000 dated articles, generated in code (GeoparsedArticle records).
3. The viewer's steps on both: the map ready in the window (QtWebEngine, offscreen) and the
   exported HTML interactive in headless Chromium (its size; frame times of a world-to-city
   flight and of time-bar steps, measured in the page with requestAnimationFrame, beside an
   empty map as the floor); for LGL also ``./gazette export DIR -o week.html`` as a process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
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


def pool_and_one_process(articles: Sequence[Article], *, jobs: int, runs: int, each_run: bool = False
                         ) -> tuple[list[float], list[float], list[GeoparsedArticle]]:
    """``runs`` times the pool, then one process, on ``articles`` (their output compared): the seconds of
    each and one process's output; ``each_run`` prints every run with the load."""
    pools: list[float] = []
    ones: list[float] = []
    single: list[GeoparsedArticle] = []
    for run in range(runs):
        seconds, pooled = time_pool(articles, jobs=jobs)
        pools.append(seconds)
        seconds, single = time_one_process(articles)
        ones.append(seconds)
        assert pooled == single, "the pool must give what one process gives"
        if each_run:
            print(f"  run {run + 1}: pool of {jobs} {pools[-1]:.3f} s, one process {ones[-1]:.3f} s "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)
    return pools, ones, single


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


_QT: list = []


def _qt_app():  # noqa: ANN202
    """The Qt application, offscreen (made once; the window's own set-up)."""
    if not _QT:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from viewer import qtenv

        qtenv.set_environment()
        _QT.append(qtenv.application())
    return _QT[0]


def map_in_window(docs: Sequence[GeoparsedArticle]) -> float | None:
    """Seconds from handing ``docs`` to the window's map view until its map is ready (page built,
    loaded in QtWebEngine, every place drawn, bridge handshake done)."""
    app = _qt_app()
    from viewer.mapbuilder import map_page
    from viewer.mapview import MapView

    view = MapView()
    view.resize(1280, 800)
    view.show()
    ready: list[float] = []
    view.ready.connect(lambda: ready.append(time.perf_counter()))
    started = time.perf_counter()
    page = map_page(docs)
    view.load_page(page, known_ids=[m.place.id for d in docs for m in d.mentions])
    deadline = started + 120
    while not ready and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    view.dispose()
    return ready[0] - started if ready else None


def _chromium():  # noqa: ANN202
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    return pw, browser


# In the page: every frame's length while the map flies from the world to a city (ms).
_ZOOM_FRAMES_JS = """([lat, lon]) => new Promise((done) => {
  const map = window[Object.keys(window).find(k => { try { return window[k] instanceof L.Map; } catch (e) { return false; } })];
  map.setView([20, 0], 2, {animate: false});
  const frames = []; let last = performance.now(), on = true;
  const tick = (t) => { frames.push(t - last); last = t; if (on) requestAnimationFrame(tick); };
  requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick);
    map.once("moveend", () => requestAnimationFrame(() => { on = false; done(frames); }));
    map.flyTo([lat, lon], 12, {duration: 3}); });
})"""
# In the page: ms from a time-bar step to the next painted frame, for each of ``n`` steps.
_TIME_STEPS_JS = """(n) => new Promise(async (done) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    gazette.setTime(i);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    out.push(performance.now() - t0);
  }
  gazette.setTime(-1);
  done(out);
})"""


_BLOCK = re.compile(r"<(script|style)([^>]*)>(.*?)</\1>", re.DOTALL)
_BLOCK_ID = re.compile(r'id="([^"]+)"')


def size_breakdown(html: str) -> list[tuple[str, int]]:
    """Bytes (UTF-8) of each part of an exported page, biggest first: its data blocks by id (the
    page data's biggest keys indented after it), the inlined scripts and styles, and the rest."""
    parts: dict[str, int] = {}
    inside: list[tuple[str, int]] = []
    rest = len(html.encode("utf-8"))
    for tag, attrs, body in _BLOCK.findall(html):
        size = len(body.encode("utf-8"))
        rest -= size
        found = _BLOCK_ID.search(attrs)
        name = f"block {found.group(1)}" if found else ("inlined styles" if tag == "style" else "inlined scripts")
        parts[name] = parts.get(name, 0) + size
        if found and found.group(1) == "gz-data":
            data = json.loads(body)
            inside = sorted(((f"  {key}", len(json.dumps(data.get(key), ensure_ascii=False, separators=(",", ":")).encode()))
                             for key in ("places", "lesson", "info", "articles")), key=lambda item: -item[1])  # fmt: skip
    parts["markup and the rest"] = rest
    out = []
    for name, size in sorted(parts.items(), key=lambda item: -item[1]):
        out.append((name, size))
        if name == "block gz-data":
            out.extend(inside)
    return out


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def exported_html_in_chromium(docs: Sequence[GeoparsedArticle], *, label: str = "") -> float | None:
    """Seconds until the exported HTML of ``docs`` is interactive in headless Chromium; prints its
    size, and (with places to zoom to) frame times of a world-to-city flight and time-bar steps,
    beside the same on an empty map (the floor)."""
    from viewer.export import export_map

    pw, browser = _chromium()
    try:
        with tempfile.TemporaryDirectory(prefix="gazette-export-") as tmp:
            path = Path(tmp) / "week.html"
            started = time.perf_counter()
            export_map(docs, path, fmt="html")
            written = time.perf_counter() - started
            floor = Path(tmp) / "empty.html"
            export_map([], floor, fmt="html")
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("() => window.gazette && window.gazette.ready === true", timeout=120_000)
            seconds = time.perf_counter() - started
            print(f"    export written in {written:.2f} s, {path.stat().st_size / 1e6:.2f} MB (target <= 3 MB{label})")
            for name, size in size_breakdown(path.read_text(encoding="utf-8")):
                print(f"      {name:<30} {size / 1e6:6.3f} MB")
            city = max((m.place for d in docs for m in d.mentions), key=lambda p: p.population, default=None)
            if city is not None:
                frames = page.evaluate(_ZOOM_FRAMES_JS, [city.lat, city.lon])
                empty = browser.new_page(viewport={"width": 1280, "height": 800})
                empty.goto(floor.as_uri())
                empty.wait_for_function("() => window.gazette && window.gazette.ready === true")
                floor_frames = empty.evaluate(_ZOOM_FRAMES_JS, [city.lat, city.lon])
                print(f"    zoom world -> {city.name}: {len(frames)} frames, p95 {_p95(frames):.1f} ms, worst {max(frames):.1f} ms "
                      f"(target p95 < 50 ms); empty map: p95 {_p95(floor_frames):.1f} ms, worst {max(floor_frames):.1f} ms")
                if page.evaluate("() => gazette.time() !== null"):
                    steps = page.evaluate(_TIME_STEPS_JS, min(20, page.evaluate("() => gazette.time().steps")))
                    print(f"    time bar step to painted frame: median {sorted(steps)[len(steps) // 2]:.1f} ms, "
                          f"worst {max(steps):.1f} ms (target <= 100 ms)")
            return seconds
    finally:
        browser.close()
        pw.stop()


def cli_export(folder: Path, *, runs: int = 5) -> list[float]:
    """Seconds for ``./gazette export DIR -o week.html`` as a whole process (start-up included), ``runs`` times."""
    import subprocess

    out = []
    with tempfile.TemporaryDirectory(prefix="gazette-cli-") as tmp:
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([str(ROOT / "gazette"), "export", str(folder), "-o", str(Path(tmp) / "week.html")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            out.append(time.perf_counter() - started)
    return out


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def only_pool(*, jobs: int, runs: int) -> None:
    """Step 1's geoparse alone (pool, then one process, alternately): each run, best and median, the load."""
    with tempfile.TemporaryDirectory(prefix="gazette-lgl-") as tmp:
        write_lgl_folder(Path(tmp))
        articles = open_sources([tmp]).articles
        pools, ones, _ = pool_and_one_process(articles, jobs=jobs, runs=runs, each_run=True)
    print(f"geoparse, pool of {jobs}: best {min(pools):.3f} s, median {sorted(pools)[len(pools) // 2]:.3f} s "
          f"(target <= 0.6 s); one process: best {min(ones):.3f} s, median {sorted(ones)[len(ones) // 2]:.3f} s; "
          f"identical output")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli-runs", type=int, default=5, help="runs of ./gazette export DIR -o week.html")
    parser.add_argument("--only-pool", action="store_true", help="step 1's geoparse only, every run printed")
    opts = parser.parse_args()
    shared_geoparser().gazetteer  # noqa: B018 - the index, loaded before any clock starts
    if opts.only_pool:
        only_pool(jobs=opts.jobs, runs=opts.runs)
        return
    with tempfile.TemporaryDirectory(prefix="gazette-lgl-") as tmp:
        n = write_lgl_folder(Path(tmp))
        started = time.perf_counter()
        sources = open_sources([tmp])
        load = time.perf_counter() - started
        articles = sources.articles
        print(f"LGL: {n} files written, {len(articles)} articles loaded as a folder in {load:.2f} s ({sources.summary or 'all read'})")
        pools, ones, single = pool_and_one_process(articles, jobs=opts.jobs, runs=opts.runs)
        mentions = sum(len(d.mentions) for d in single)
        print(f"  geoparse, pool of {opts.jobs}: best {min(pools):.3f} s, median {sorted(pools)[len(pools) // 2]:.3f} s "
              f"(target <= 0.6 s); one process: best {min(ones):.3f} s; {mentions} mentions, identical output")
        for name, hook in (("map in the window", map_in_window), ("exported HTML in Chromium", exported_html_in_chromium)):
            seconds = hook(single)
            print(f"  {name}: " + ("not measured yet (viewer hook)" if seconds is None else f"{seconds:.2f} s") + " (target <= 2 s)")
        cli = sorted(cli_export(Path(tmp), runs=opts.cli_runs))
        print(f"  ./gazette export DIR -o week.html, whole process: best {cli[0]:.2f} s, median {cli[len(cli) // 2]:.2f} s "
              f"of {len(cli)} (target <= 2.5 s; load {os.getloadavg()[0]:.1f})")
    started = time.perf_counter()
    docs = synthetic()
    made = time.perf_counter() - started
    print(f"synthetic: {sum(len(d.mentions) for d in docs)} places over {len(docs)} dated articles, made in {made:.2f} s")
    for name, hook in (("map in the window", map_in_window), ("exported HTML in Chromium", exported_html_in_chromium)):
        seconds = hook(docs)
        print(f"  {name}: " + ("not measured yet (viewer hook)" if seconds is None else f"{seconds:.2f} s") + " (target <= 2 s)")
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    own, children = _peak_mb()
    print(f"peak RSS: this process {own:.0f} MB, largest child {children:.0f} MB")


if __name__ == "__main__":
    main()
