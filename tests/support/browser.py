"""Playwright with Debian's chromium (never ``playwright install``), and a page whose requests are all watched."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed"
    if os.environ.get("CI") or os.environ.get("GAZETTE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


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
            timeout=20_000,  # a loaded CI machine
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


@contextmanager
def launched() -> Iterator[object]:
    """A headless Chromium (skips, or fails in CI, when /usr/bin/chromium is missing)."""
    require_browser()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()
