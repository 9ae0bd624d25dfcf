"""The floor for bench/cold_start.py: a bare QWebEngineView on a local Leaflet page.

Run as a fresh process by the bench: loads PAGE (a file:// HTML written by the bench, Leaflet
from assets/node_modules, the 50 m world-atlas TopoJSON drawn as a GeoJSON layer, one
marker) and prints "map ready in X s" once the page has painted (two animation frames after
the layers were added, reported through the page title), then quits.

    .venv/bin/python bench/bare_map.py PAGE.html
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NODE = REPO / "assets" / "node_modules"

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{leaflet_css}">
<style>html, body, #map {{ width: 100%; height: 100%; margin: 0; }}</style>
<script src="{leaflet_js}"></script>
<script src="{topojson_js}"></script>
</head><body><div id="map"></div>
<script type="application/json" id="world">{world}</script>
<script>
var map = L.map("map", {{ center: [25, 10], zoom: 2 }});
var topo = JSON.parse(document.getElementById("world").textContent);
var world = topojson.feature(topo, topo.objects[Object.keys(topo.objects)[0]]);
L.geoJSON(world, {{ style: function () {{ return {{ fillColor: "#f6f3ec", color: "#a9a293", weight: 0.6, fillOpacity: 1 }}; }} }}).addTo(map);
L.marker([51.4, 128.3]).addTo(map);
requestAnimationFrame(function () {{ requestAnimationFrame(function () {{ document.title = "ready"; }}); }});
</script></body></html>
"""


def write_page(path: Path) -> Path:
    """The floor's page (written once, outside the timed runs)."""
    world = (NODE / "world-atlas" / "countries-50m.json").read_text(encoding="utf-8").replace("<", "\\u003c")
    path.write_text(
        PAGE.format(
            leaflet_css=(NODE / "leaflet/dist/leaflet.css").as_uri(),
            leaflet_js=(NODE / "leaflet/dist/leaflet.js").as_uri(),
            topojson_js=(NODE / "topojson-client/dist/topojson-client.min.js").as_uri(),
            world=world,
        ),
        encoding="utf-8",
    )
    return path


def main() -> int:
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    from viewer.qtenv import set_environment  # the same Qt environment as the app

    set_environment()
    from PySide6.QtCore import QTimer, QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    view = QWebEngineView()
    view.resize(860, 760)

    def on_title(title: str) -> None:
        if title == "ready":
            print(f"map ready in {time.perf_counter() - started:.3f} s", flush=True)
            app.exit(0)

    view.titleChanged.connect(on_title)
    view.show()
    view.load(QUrl.fromLocalFile(os.path.abspath(sys.argv[1])))
    QTimer.singleShot(60_000, lambda: app.exit(2))
    code = app.exec()
    del view
    return code


if __name__ == "__main__":
    raise SystemExit(main())
