"""Open the window on the seed article (or given files) and save out/window-<basemap>.png per basemap.

    .venv/bin/python scripts/screenshot_window.py [FILE ...] [--basemap offline osm positron imagery]
        [--out-dir out] [--select NAME]

The online basemaps need tile servers; where none can be reached the window falls back to the
offline basemap and says so in the status bar, and the shot shows that.  Each line printed
tells the basemap, the status-bar text and whether the fallback happened.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from viewer.basemaps import BASEMAPS  # noqa: E402

SEED = REPO.parent / "shared" / "articles" / "putin-kim-vostochny.txt"
FALLBACK_WAIT_S = 15.0  # the page gives up on tiles after 4 s at the latest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--basemap", nargs="+", choices=BASEMAPS, default=list(BASEMAPS))
    parser.add_argument("--out-dir", type=Path, default=REPO / "out")
    parser.add_argument("--select", default="Vladivostok", help="place to select in the list before the shot")
    opts = parser.parse_args(argv)

    from viewer.qtenv import application, save_widget_png, wait_for

    app = application()
    from viewer.window import FALLBACK_NOTICE, MainWindow

    files = opts.files or [SEED]
    window = MainWindow(basemap=opts.basemap[0])
    window.resize(1400, 860)
    window.show()
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    ready: list[bool] = []
    window.mapReady.connect(lambda: ready.append(True))
    opts.out_dir.mkdir(parents=True, exist_ok=True)
    status = 0
    try:
        for number, basemap in enumerate(opts.basemap):
            ready.clear()
            if number == 0:
                window.open_paths(files)
            else:
                window.set_basemap(basemap)
            if not wait_for(lambda: bool(ready) or bool(errors), timeout_s=120):
                print(f"{basemap}: the map did not get ready", file=sys.stderr)
                return 1
            if errors:
                print(f"gazette: {errors[0]}", file=sys.stderr)
                return 2
            fell_back = False
            if basemap != "offline":
                fell_back = wait_for(lambda: FALLBACK_NOTICE in window.status_label.text(), timeout_s=FALLBACK_WAIT_S)
            ids = [g.place.id for g in window.session.groups.values() if g.place.name == opts.select]
            popup = False
            if ids:
                window.places.select_place(ids[0])
                popup = wait_for(lambda: popup_open(window, ids[0]), timeout_s=10)
            settle = time.monotonic() + 0.6  # the popup's fade-in
            wait_for(lambda: time.monotonic() > settle, timeout_s=2)
            out = opts.out_dir / f"window-{basemap}.png"
            save_widget_png(window, out)
            print(
                f"{out}: basemap {basemap}; status bar: {window.status_label.text()!r};"
                f" fallback to offline: {'yes' if fell_back else 'no'}; popup for {opts.select}: {'yes' if popup else 'no'};"
                f" map ready {window.map_view.last_load_seconds:.2f} s after load"
            )
            if basemap != "offline" and not fell_back and not tiles_drawn(window):
                print(f"{basemap}: neither tiles nor the fallback were shown", file=sys.stderr)
                status = 1
    finally:
        window.dispose()
        del app
    return status


def _js(window, script: str):
    from viewer.qtenv import wait_for

    box: list[object] = []
    window.map_view.web_page.runJavaScript(script, 0, box.append)
    wait_for(lambda: bool(box), timeout_s=5)
    return box[0] if box else None


def popup_open(window, place_id: str) -> bool:
    selector = json.dumps(f'.leaflet-popup-content [data-place-id="{place_id}"]')
    return _js(window, f"document.querySelector({selector}) ? 'yes' : 'no'") == "yes"


def tiles_drawn(window) -> bool:
    return _js(window, "String(document.querySelectorAll('img.leaflet-tile-loaded').length)") not in (None, "0")


if __name__ == "__main__":
    raise SystemExit(main())
