"""Acceptance: the standalone HTML export in a real Chromium, from file://, network blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from tests.support.browser import Opened
from viewer.export import export_map

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
