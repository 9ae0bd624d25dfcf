"""Big-file benchmark: load and geoparse ~20 MB of news-like text, Markdown and HTML.

    .venv/bin/python bench/big_file.py [--mb 20] [--formats txt,md,html] [--no-parse] [--keep DIR]

Writes the files into a temporary directory (sentences written for this benchmark, varied by a
seeded RNG; no corpus text), then in this one process times ``load_article`` and
``shared_geoparser().parse`` per format and prints the figures with the peak RSS
(``resource.getrusage``; it only grows, so each row shows the peak so far). The geoparser is
built and warmed once before the first timing so the index load is not charged to a format.
"""

from __future__ import annotations

import argparse
import gc
import html
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.articles import load_article  # noqa: E402
from places.geoparse import shared_geoparser  # noqa: E402

# Our own sentence patterns and place names (no text from any corpus).
_PLACES = (
    "Odesa", "Istanbul", "Vladivostok", "Pyongyang", "Moscow", "Kyiv", "Warsaw", "Berlin", "Paris",
    "Nairobi", "Lagos", "Cairo", "Jakarta", "Manila", "Lima", "Bogotá", "Toronto", "Chicago",
    "Sydney", "Mumbai", "Karachi", "Tehran", "Ankara", "Athens", "Lisbon", "Dublin", "Oslo",
    "Helsinki", "Tbilisi", "Baku", "Almaty", "Ulaanbaatar", "Seoul", "Tokyo", "Hanoi", "Bangkok",
)  # fmt: skip
_COUNTRIES = (
    "Ukraine", "Turkey", "Russia", "North Korea", "Poland", "Germany", "France", "Kenya", "Nigeria",
    "Egypt", "Indonesia", "the Philippines", "Peru", "Colombia", "Canada", "Australia", "India",
    "Pakistan", "Iran", "Greece", "Portugal", "Ireland", "Norway", "Finland", "Georgia", "Japan",
)  # fmt: skip
_SUBJECTS = ("Officials", "Traders", "Aid workers", "Local reporters", "Port authorities", "Engineers",
             "Diplomats", "Farmers", "Rail operators", "City councillors")  # fmt: skip
_VERBS = ("said on Tuesday that", "warned that", "confirmed that", "told reporters that",
          "announced that", "expected that", "denied reports that")  # fmt: skip
_CLAUSES = (
    "shipments from {a} to {b} would resume next week",
    "talks between {c} and {d} had stalled over prices",
    "a new rail link would connect {a} with {b} by the spring",
    "flooding near {a} had cut the main road to {b}",
    "the summit in {a} would also discuss trade with {c}",
    "delegations from {c} arrived in {b} late on Monday",
    "fuel prices in {a} rose faster than anywhere in {c}",
)  # fmt: skip


def sentences(rng: random.Random):
    while True:
        a, b = rng.sample(_PLACES, 2)
        c, d = rng.sample(_COUNTRIES, 2)
        clause = rng.choice(_CLAUSES).format(a=a, b=b, c=c, d=d)
        yield f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {clause}."


def paragraphs(target_bytes: int, *, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    gen = sentences(rng)
    out: list[str] = []
    size = 0
    while size < target_bytes:
        para = " ".join(next(gen) for _ in range(rng.randint(2, 6)))
        out.append(para)
        size += len(para.encode()) + 2
    return out


def write_files(directory: Path, target_bytes: int, formats: list[str]) -> dict[str, Path]:
    paras = paragraphs(target_bytes)
    files: dict[str, Path] = {}
    if "txt" in formats:
        p = directory / "big.txt"
        p.write_text("Regional news digest\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        files["txt"] = p
    if "md" in formats:
        rng = random.Random(11)
        chunks = ["---\ntitle: Regional news digest\ndate: 2024-03-02\n---\n"]
        for i, para in enumerate(paras):
            if i % 40 == 0:
                chunks.append(f"## Section {i // 40 + 1}\n")
            words = para.split(" ")
            j = rng.randrange(len(words))
            words[j] = f"**{words[j]}**" if i % 3 else f"[{words[j]}](https://example.org/{i})"
            prefix = "- " if i % 7 == 0 else ""
            chunks.append(prefix + " ".join(words) + "\n")
        p = directory / "big.md"
        p.write_text("\n".join(chunks), encoding="utf-8")
        files["md"] = p
    if "html" in formats:
        body: list[str] = []
        for i, para in enumerate(paras):
            if i % 40 == 0:
                body.append(f"<h2>Section {i // 40 + 1}</h2>")
                body.append("<script>var s = {n: %d, text: '<p>not text</p>'};</script>" % i)
            body.append(f"<p>{html.escape(para, quote=False)}</p>")
        page = (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Regional news digest</title>"
            "<style>p { margin: 0 }</style></head><body><nav><a href=\"/\">Home</a></nav>"
            "<main><article><h1>Regional news digest</h1>\n" + "\n".join(body)
            + "\n</article></main><footer>Footer text</footer></body></html>\n"
        )
        p = directory / "big.html"
        p.write_text(page, encoding="utf-8")
        files["html"] = p
    return files


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20.0, help="size of each file in MB (default 20)")
    ap.add_argument("--formats", default="txt,md,html", help="comma-separated: txt, md, html")
    ap.add_argument("--no-parse", action="store_true", help="time load_article only")
    ap.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = ap.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]

    with tempfile.TemporaryDirectory(prefix="gazette-big-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = write_files(directory, int(args.mb * 1_000_000), formats)
        print(f"wrote {', '.join(f'{k} {p.stat().st_size / 1e6:.1f} MB' for k, p in files.items())}"
              f" in {time.perf_counter() - t0:.1f} s; peak RSS {peak_rss_mb():.0f} MB")
        parser = None
        if not args.no_parse:
            t0 = time.perf_counter()
            parser = shared_geoparser()
            parser.parse(_warm_article())
            print(f"geoparser ready in {time.perf_counter() - t0:.2f} s; peak RSS {peak_rss_mb():.0f} MB")
        print(f"{'format':<6} {'MB':>5} {'load s':>7} {'chars':>11} {'parse s':>8} {'mentions':>9} {'peak RSS MB':>12}")
        for kind, path in files.items():
            gc.collect()
            t0 = time.perf_counter()
            article = load_article(path)
            load_s = time.perf_counter() - t0
            parse_s, mentions = float("nan"), 0
            if parser is not None:
                t0 = time.perf_counter()
                doc = parser.parse(article)
                parse_s = time.perf_counter() - t0
                mentions = len(doc.mentions)
                del doc
            print(f"{kind:<6} {path.stat().st_size / 1e6:>5.1f} {load_s:>7.2f} {len(article.text):>11,}"
                  f" {parse_s:>8.2f} {mentions:>9,} {peak_rss_mb():>12.0f}", flush=True)
            del article
    return 0


def _warm_article():
    from places.articles import article_from_text

    return article_from_text("Ships left Odesa for Istanbul.", id="warm")


if __name__ == "__main__":
    raise SystemExit(main())
