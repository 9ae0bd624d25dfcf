"""Acceptance: the standalone HTML export in a real Chromium, from file://, network blocked."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import shared_path
from support.seed import seed_docs

from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from viewer.export import export_map

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed"
    if os.environ.get("CI") or os.environ.get("GAZETTE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_browser()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


class Opened:
    """A page with every request routed: file: goes through, anything else is counted and aborted."""

    def __init__(self, browser, path: Path, *, init_script: str | None = None) -> None:  # noqa: ANN001
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        if init_script:
            self.page.add_init_script(init_script)
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.gazette && window.gazette.ready === true", timeout=20_000)

    def _route(self, route) -> None:  # noqa: ANN001
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def popup_text(self, title: str) -> str:
        """Text of the open popup of the place called ``title`` (an old one may still be fading out)."""
        handle = self.page.wait_for_function(
            """(title) => Array.from(document.querySelectorAll(".leaflet-popup-content .gz-popup"))
                .find((p) => p.querySelector("h3").textContent === title)""",
            arg=title,
            timeout=8_000,
        )
        return handle.as_element().inner_text()

    def click_shape(self, place_id: str) -> None:
        """Click a point of the shape that is really on top there (not under a pin or label)."""
        point = self.page.evaluate(
            """(id) => {
                const path = document.querySelector(`path[data-place-id="${id}"]`);
                const r = path.getBoundingClientRect();
                for (let fy = 0.5; fy < 1; fy += 0.05) for (const sy of [1, -1])
                  for (let fx = 0.5; fx < 1; fx += 0.05) for (const sx of [1, -1]) {
                    const x = r.left + r.width * (sx > 0 ? fx : 1 - fx);
                    const y = r.top + r.height * (sy > 0 ? fy : 1 - fy);
                    if (document.elementFromPoint(x, y) === path) return [x, y];
                  }
                return null;
            }""",
            place_id,
        )
        assert point, f"no clickable point on the shape of {place_id}"
        self.page.mouse.click(*point)


@pytest.fixture(scope="module")
def seed() -> list[GeoparsedArticle]:
    return seed_docs(shared_path("articles", "putin-kim-vostochny.txt"))


@pytest.fixture(scope="module")
def seed_html(seed: list[GeoparsedArticle], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "seed.html"
    export_map(seed, path, fmt="html")
    return path


def _place_id(docs: list[GeoparsedArticle], name: str) -> str:
    return next(m.place.id for d in docs for m in d.mentions if m.place.name == name)


def test_seed_export_offline_click_vladivostok_and_north_korea(browser, seed, seed_html) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_html)
    page = opened.page

    # The four far-eastern places are separate pins at the fitted view.
    for name in ("Vladivostok", "Pyongyang", "Komsomolsk-on-Amur", "Vostochny Cosmodrome"):
        assert page.locator(f'.leaflet-marker-icon[data-place-id="{_place_id(seed, name)}"]').is_visible(), name

    vladivostok = _place_id(seed, "Vladivostok")
    page.click(f'.leaflet-marker-icon[data-place-id="{vladivostok}"]')
    text = opened.popup_text("Vladivostok")
    fleet = next(m.excerpt for d in seed for m in d.mentions if m.place.id == vladivostok)
    assert "Pacific fleet" in fleet
    assert " ".join(fleet.split()) in " ".join(text.split())
    assert page.inner_text(".gz-popup mark") == "Vladivostok"
    page.keyboard.press("Escape")
    page.evaluate("document.querySelector('.leaflet-popup-close-button') && document.querySelector('.leaflet-popup-close-button').click()")

    north_korea = "country:KP"
    assert page.locator(f'path[data-place-id="{north_korea}"]').count() == 1
    opened.click_shape(north_korea)
    text = opened.popup_text("North Korea")
    excerpts = {m.excerpt for d in seed for m in d.mentions if m.place.id == north_korea}
    assert any(" ".join(e.split()) in " ".join(text.split()) for e in excerpts)
    assert page.locator(".gz-popup mark").count() >= len(excerpts)

    # Title, sources, legend and attributions are in the file itself.
    assert "Natural Earth" in page.inner_text(".leaflet-control-attribution")
    assert page.locator(".gz-legend").is_visible() and page.locator(".gz-info").is_visible()
    assert opened.blocked == [], f"the export tried to reach the network: {opened.blocked}"
    assert opened.errors == []
    page.close()


def test_focus_place_and_ready_contract(browser, seed, seed_html) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_html)
    page = opened.page
    moscow = _place_id(seed, "Moscow")  # clustered with the Kremlin at the fitted view
    assert page.evaluate(f"window.gazette.focusPlace({moscow!r})") is True
    assert "Moscow" in opened.popup_text("Moscow")
    assert page.evaluate("window.gazette.focusPlace('country:UA')") is True
    assert "Ukraine" in opened.popup_text("Ukraine")
    assert page.evaluate("window.gazette.focusPlace('nowhere:0')") is False
    page.close()


def test_a_click_during_a_focus_flight_wins(browser, seed, seed_html) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_html)
    page = opened.page
    washington, pyongyang = _place_id(seed, "Washington"), _place_id(seed, "Pyongyang")
    # Start a long flight to Washington, then click Pyongyang's pin while the map is moving.
    page.evaluate(
        """([away, here]) => { window.gazette.focusPlace(away);
             document.querySelector(`.leaflet-marker-icon[data-place-id="${here}"]`)
               .dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true, view: window})); }""",
        [washington, pyongyang],
    )
    page.wait_for_timeout(3_500)  # past every deadline of the abandoned focus
    open_ids = page.eval_on_selector_all(".leaflet-popup-content .gz-popup", "ns => ns.map(n => n.dataset.placeId)")
    assert open_ids == [pyongyang]
    page.close()


def test_hostile_text_is_inert_in_the_popup(browser, tmp_path: Path) -> None:  # noqa: ANN001
    payload = "</script><img src=x onerror=\"window.__gazette_pwned=1\"> `${window.__gazette_pwned=2}` {{ 7*7 }}"
    text = f"Crews left Odesa. {payload} said a sign in Odesa."
    odesa = Place("geonames:698740", "Odesa", 46.48, 30.73, Kind.CITY, "UA", "Ukraine", 0, "GeoNames")
    first, second = (i for i in range(len(text)) if text.startswith("Odesa", i))
    mentions = (
        Mention("h", first, first + 5, "Odesa", odesa, "Crews left Odesa.", 0),
        Mention("h", second, second + 5, "Odesa", odesa, text[18:], 18),
    )
    doc = GeoparsedArticle(Article("h", payload, text, source=payload), mentions)
    path = tmp_path / "hostile.html"
    export_map([doc], path, fmt="html")
    opened = Opened(browser, path)
    page = opened.page
    page.click('.leaflet-marker-icon[data-place-id="geonames:698740"]')
    assert payload in opened.popup_text("Odesa")
    assert page.evaluate("typeof window.__gazette_pwned") == "undefined"
    assert payload in page.inner_text(".gz-title")
    assert opened.blocked == []
    page.close()


def test_online_tiles_fall_back_to_offline_basemap(browser, seed, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "tiles.html"
    export_map(seed, path, fmt="html", basemap="http://127.0.0.1:9/{z}/{x}/{y}.png")
    bridge = "window.__sent = []; window.gazetteBridge = { send: (m) => window.__sent.push(m) };"
    opened = Opened(browser, path, init_script=bridge)
    page = opened.page
    page.wait_for_selector(".gz-notice", timeout=6_000)
    sent = page.evaluate("window.__sent")
    assert sent and sent[0]["type"] == "basemap-fallback" and sent[0]["basemap"] == "custom"
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator("path.gz-country").count() >= 1
    assert all(url.startswith("http://127.0.0.1:9/") for url in opened.blocked) and opened.blocked
    page.close()
