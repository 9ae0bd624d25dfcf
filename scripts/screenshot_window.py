"""Open the window on the seed article (or given files), wait for the map, save out/window.png.

    .venv/bin/python scripts/screenshot_window.py [FILE ...] [--out out/window.png] [--select NAME]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED = REPO.parent / "shared" / "articles" / "putin-kim-vostochny.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "out" / "window.png")
    parser.add_argument("--select", default="Vladivostok", help="place to select in the list before the shot")
    parser.add_argument("--basemap", default="offline")
    opts = parser.parse_args(argv)

    from viewer.app import application

    app = application()
    from viewer.window import MainWindow, save_widget_png, wait_for

    files = opts.files or [SEED]
    window = MainWindow(basemap=opts.basemap)
    window.resize(1400, 860)
    window.show()
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    ready: list[bool] = []
    window.mapReady.connect(lambda: ready.append(True))
    window.open_paths(files)
    if not wait_for(lambda: bool(ready) or bool(errors), timeout_s=120):
        print("the map did not get ready", file=sys.stderr)
        return 1
    if errors:
        print(f"gazette: {errors[0]}", file=sys.stderr)
        return 2
    ids = [g.place.id for g in window._groups.values() if g.place.name == opts.select]
    if ids:
        window.select_place(ids[0])
    wait_for(lambda: False, timeout_s=1.5)  # fly-to animation and popup
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    save_widget_png(window, opts.out)
    print(f"{opts.out} ({window.status_text()}; map ready in {window.last_map_seconds:.2f} s after load)")
    window.dispose()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
