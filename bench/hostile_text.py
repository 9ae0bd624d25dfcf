"""Hostile-text benchmark: seconds per MB of the worst inputs known, beside plain news text.

    .venv/bin/python bench/hostile_text.py [--mb 1] [--cases NAME,NAME] [--all]

Each hostile text (tests/support/hostile_text.py: issue 10's cases by default, every case with
--all) is written to a temporary file of about ``--mb`` MB and timed through ``load_article`` and
the shared geoparser (CPU seconds, best of two), as is the bundled sample article repeated to
the same size. The target: no input costs more than 10x plain text per MB. Also times the
issue's two named big inputs: 1 MB of "Paris, " (150,000 mentions) and 2 MB naming one city
300,000 times in one sentence.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.articles import article_from_text, load_article  # noqa: E402
from places.geoparse import shared_geoparser  # noqa: E402
from tests.support.hostile_text import CASES, ISSUE_CASES, case_text, plain_text  # noqa: E402


def _timed(parse, *, runs: int = 2) -> tuple[float, float, int]:
    """(best CPU seconds, wall seconds of that run, mentions)."""
    best = (float("inf"), 0.0, 0)
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        found = len(parse().mentions)
        best = min(best, (time.process_time() - cpu, time.perf_counter() - wall, found))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of each text (default 1)")
    parser.add_argument("--cases", help="comma-separated case names (default: the issue's)")
    parser.add_argument("--all", action="store_true", help="every case in tests/support/hostile_text.py")
    opts = parser.parse_args()
    chars = int(opts.mb * 1_000_000)
    if opts.cases:
        wanted = set(opts.cases.split(","))
        cases = [c for c in CASES if c.name in wanted]
    else:
        cases = list(CASES if opts.all else ISSUE_CASES)
    geoparser = shared_geoparser()
    geoparser.parse(article_from_text("Warm-up in Paris.", id="warm"))
    rows: list[tuple[str, float, float, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def file_row(name: str, suffix: str, text: str) -> None:
            path = folder / f"case{suffix}"
            path.write_text(text, encoding="utf-8")
            mb = path.stat().st_size / 1_000_000
            cpu, wall, found = _timed(lambda: geoparser.parse(load_article(path)))
            rows.append((name, cpu / mb, wall / mb, found, mb))

        file_row("plain text (bundled sample repeated)", ".md", plain_text(chars=chars))
        for case in cases:
            file_row(f"{case.name} ({case.suffix})", case.suffix, case_text(case, chars=chars))
        for name, text in (("Paris, x150,000 (1 MB)", "Paris, " * 150_000),
                           ("one city x300,000 in one sentence (2 MB)", "Odesa, " * 300_000)):
            article = article_from_text(text, id="big")
            cpu, wall, found = _timed(lambda: geoparser.parse(article))
            mb = len(text.encode()) / 1_000_000
            rows.append((name, cpu / mb, wall / mb, found, mb))
    plain = rows[0][1]
    print(f"{'input':48s} {'MB':>5s} {'cpu s/MB':>9s} {'wall s/MB':>9s} {'x plain':>8s} {'mentions':>9s}")
    for name, cpu, wall, found, mb in rows:
        flag = "  > 10x" if cpu > 10 * plain else ""
        print(f"{name:48s} {mb:5.2f} {cpu:9.2f} {wall:9.2f} {cpu / plain:8.1f} {found:9d}{flag}")
    worst = max(rows[1:], key=lambda r: r[1])
    print(f"worst: {worst[0]} at {worst[1] / plain:.1f}x plain text per MB (target: at most 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
