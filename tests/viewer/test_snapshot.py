"""render_png: a standalone page rendered headlessly to a PNG of the asked size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from places.errors import SaveError
from viewer.snapshot import render_png

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; height: 100%; background: rgb(0, 0, 255); }
#box { position: absolute; left: 0; top: 0; width: 50%; height: 100%; background: rgb(255, 0, 0); }
</style></head><body><div id="box"></div>
<script>window.gazette = {ready: false}; setTimeout(() => {
  document.getElementById("box").style.background = "rgb(0, 255, 0)"; window.gazette.ready = true;
}, 300);</script></body></html>"""


def test_render_png_waits_for_ready_and_has_the_size(qapp, tmp_path: Path):
    out = tmp_path / "page.png"
    render_png(PAGE, out, size=(320, 200))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (320, 200)
    left, right = image.pixelColor(40, 100), image.pixelColor(280, 100)
    assert (left.red(), left.green(), left.blue()) == (0, 255, 0)  # drawn after gazette.ready
    assert (right.red(), right.green(), right.blue()) == (0, 0, 255)
    assert not list(tmp_path.glob("*.tmp*"))


def test_render_png_of_the_standalone_map(qapp, tmp_path: Path):
    from tests.support.seed import seed_docs
    from tests.conftest import shared_path
    from viewer.mapbuilder import build_map, render_page

    docs = seed_docs(shared_path("articles", "putin-kim-vostochny.txt"))
    out = tmp_path / "map.png"
    render_png(render_page(build_map(docs), mode="standalone"), out, size=(800, 500))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (800, 500)
    colours = {image.pixel(x, y) for x in range(0, 800, 20) for y in range(0, 500, 20)}
    assert len(colours) > 20  # land, sea, pins, labels: not a blank page


def test_render_png_rejects_silly_sizes(qapp, tmp_path: Path):
    with pytest.raises(SaveError):
        render_png(PAGE, tmp_path / "x.png", size=(0, 10))


def _count(image: QImage, rgb: tuple[int, int, int]) -> int:
    return sum(
        1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
        if (c := image.pixelColor(x, y)) and (c.red(), c.green(), c.blue()) == rgb
    )  # fmt: skip


def test_the_fallback_notice_is_not_in_the_picture(qapp, tmp_path: Path):
    from tests.support.grain import grain_doc
    from viewer.mapbuilder import build_map, render_page

    page = render_page(build_map([grain_doc()], basemap="http://127.0.0.1:9/{z}/{x}/{y}.png"), mode="standalone")
    # The tiles fail at once: the notice is on the page before the picture is taken.
    fail_now = "<script>document.addEventListener('gazette:ready', () => gazette.fallBack('tiles failed'));</script>"
    page = page.replace("<script>\n", fail_now + "<script>\n", 1)
    assert fail_now in page
    out = tmp_path / "map.png"
    render_png(page, out, size=(800, 500))
    image = QImage(str(out))
    assert _count(image, (0xF6, 0xF3, 0xEC)) > 1000  # the offline map's land is drawn
    assert _count(image, (0xFF, 0xF4, 0xD6)) == 0  # the notice's background is not
