#!/usr/bin/env python3
"""Export the seed article's map as standalone HTML and screenshot it in Chromium (network off).

    .venv/bin/python scripts/screenshot_export.py [ARTICLE] [--basemap NAME] [--connections]
        [--size 1280x800] [--click PLACE_NAME] [--out out/]

Writes out/<name>.html and out/<name>.png and prints sizes and timings. ARTICLE defaults to
../shared/articles/putin-kim-vostochny.txt. Uses Debian's /usr/bin/chromium via Playwright.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from places.errors import GazetteError  # noqa: E402
from places.geoparse import shared_geoparser  # noqa: E402
from places.sources import load_sources  # noqa: E402
from viewer.export import export_map  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=ROOT.parent / "shared/articles/putin-kim-vostochny.txt")
    parser.add_argument("--basemap", default="offline")
    parser.add_argument("--connections", action="store_true")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--click", default="", help="name of a place whose pin or shape to click before the shot")
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    opts = parser.parse_args(argv)
    width, height = (int(v) for v in opts.size.lower().split("x"))

    try:
        docs = [shared_geoparser().parse(article) for article in load_sources([opts.article])]
        opts.out.mkdir(parents=True, exist_ok=True)
        stem = opts.article.stem + ("-" + opts.click.lower().replace(" ", "-") if opts.click else "")
        html_path = opts.out / f"{stem}.html"
        started = time.perf_counter()
        export_map(docs, html_path, fmt="html", basemap=opts.basemap, connections=opts.connections)
        export_s = time.perf_counter() - started
    except GazetteError as err:
        print(f"gazette: {err}", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    png_path = html_path.with_suffix(".png")
    blocked: list[str] = []

    def route(r) -> None:  # noqa: ANN001
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", route)
        started = time.perf_counter()
        page.goto(html_path.as_uri())
        page.wait_for_function("window.gazette && window.gazette.ready === true", timeout=20_000)
        ready_s = time.perf_counter() - started
        if opts.click:
            pid = next((m.place.id for d in docs for m in d.mentions if m.place.name == opts.click), None)
            if pid is None:
                print(f"no place called {opts.click!r} in the article", file=sys.stderr)
                return 2
            page.evaluate("(id) => window.gazette.focusPlace(id)", pid)
            page.wait_for_selector(".gz-popup", timeout=8_000)
            page.wait_for_timeout(800)
        else:
            page.wait_for_timeout(300)
        page.screenshot(path=str(png_path))
        browser.close()

    print(f"html: {html_path} ({html_path.stat().st_size:,} bytes, export {export_s:.2f} s)")
    print(f"png:  {png_path} ({width}x{height}, page ready in {ready_s:.2f} s)")
    print(f"non-file requests: {len(blocked)}")
    return 0 if not blocked or opts.basemap != "offline" else 1


if __name__ == "__main__":
    sys.exit(main())
