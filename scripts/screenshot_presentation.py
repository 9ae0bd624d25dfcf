"""Presentation mode at 1920 × 1080: out/presentation-stop1.png, out/presentation-stop3.png and
out/presentation-quiz.png (the quiz after one answer), on the sample lesson (or the one given).

    .venv/bin/python scripts/screenshot_presentation.py [LESSON] [--out-dir out]

Without a display it renders offscreen on a 1920 × 1080 screen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SAMPLE = REPO / "assets" / "sample" / "black-sea.gazette.yaml"
SIZE = (1920, 1080)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--out-dir", type=Path, default=REPO / "out")
    opts = parser.parse_args(argv)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        # Qt's offscreen platform takes its screens from a file: one 1080p projector.
        config = opts.out_dir / "offscreen-1080p.json"
        opts.out_dir.mkdir(parents=True, exist_ok=True)
        config.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": SIZE[0], "height": SIZE[1],
                                                   "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")  # fmt: skip
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"

    from viewer.qtenv import application, save_widget_png, wait_for

    app = application()
    from viewer.window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    views: list[tuple] = []
    window.map_view.viewChanged.connect(lambda *view: views.append(view))
    ready: list[bool] = []
    window.mapReady.connect(lambda: ready.append(True))
    opts.out_dir.mkdir(parents=True, exist_ok=True)

    def js(script: str):
        box: dict = {}
        window.map_view.page().runJavaScript(script, 0, lambda value: box.setdefault("v", value))
        wait_for(lambda: "v" in box, timeout_s=10)
        return box.get("v")

    def arrive(stop: int) -> None:
        """At the stop, the page at the full screen's size, and no move for a second (then paint)."""
        wait_for(lambda: any(v[3] == stop for v in views), timeout_s=15)
        wait_for(lambda: js("JSON.stringify([innerWidth, innerHeight])") == json.dumps(list(SIZE), separators=(",", ":")), timeout_s=10)
        quiet_since = [time.monotonic(), len(views)]

        def still() -> bool:
            if len(views) != quiet_since[1]:
                quiet_since[:] = [time.monotonic(), len(views)]
            return time.monotonic() - quiet_since[0] > 1.0

        wait_for(still, timeout_s=10)
        settle = time.monotonic() + 0.8  # the renderer's last frame and the card's layout
        wait_for(lambda: time.monotonic() > settle, timeout_s=2)

    def shot(name: str) -> None:
        out = opts.out_dir / name
        save_widget_png(window, out)
        state = json.loads(js("JSON.stringify(gazette.presentation())"))
        size = js("parseFloat(getComputedStyle(document.querySelector('.gz-card-caption')).fontSize)")
        print(f"{out}: {window.width()} × {window.height()}; card {state['card']!r}; caption {size} px;"
              f" centre {state['lat']:.3f}, {state['lon']:.3f}, zoom {state['zoom']}")  # fmt: skip

    try:
        window.open_paths([opts.lesson])
        if not wait_for(lambda: bool(ready) or bool(errors), timeout_s=120) or errors:
            print(f"gazette: {errors[0] if errors else 'the map did not get ready'}", file=sys.stderr)
            return 2
        window.presentation.start()
        arrive(0)
        shot("presentation-stop1.png")
        for stop in (1, 2):
            window.presentation.step("next")
            arrive(stop)
        shot("presentation-stop3.png")
        window.presentation.step("quiz")
        wait_for(lambda: bool(json.loads(js("JSON.stringify(gazette.presentation())"))["quiz"]), timeout_s=5)
        settle = time.monotonic() + 0.5
        wait_for(lambda: time.monotonic() > settle, timeout_s=2)
        lat, lon = json.loads(js(f"JSON.stringify(gazette.pointAt({SIZE[0] // 2 - 200}, {SIZE[1] // 2}))"))
        km = js(f"gazette.quizAnswer({lat}, {lon})")
        settle = time.monotonic() + 0.5
        wait_for(lambda: time.monotonic() > settle, timeout_s=2)
        shot("presentation-quiz.png")
        print(f"quiz answer at {lat:.3f}, {lon:.3f}: {km:.1f} km")
    finally:
        window.lesson_file.ask_to_save = lambda: __import__("PySide6.QtWidgets", fromlist=["QMessageBox"]).QMessageBox.StandardButton.Discard
        window.close()
        window.dispose()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
