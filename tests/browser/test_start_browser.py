"""The page's start in Chromium: the first view is set before any layer, so country labels are
laid out once, for the fitted view, and are those a later layout of that view draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.model import GeoparsedArticle
from tests.support.browser import Opened
from viewer.export import export_map

COUNT_LABELS = """
window.gzLabelsAdded = 0;
const count = (changes) => {
  for (const change of changes) for (const node of change.addedNodes)
    if (node.classList && node.classList.contains("gz-country-label")) window.gzLabelsAdded += 1;
};
const observer = new MutationObserver(count);
observer.observe(document, { childList: true, subtree: true });
// The build is one synchronous call: the records up to its end, taken when it says ready.
document.addEventListener("gazette:ready", () => { count(observer.takeRecords()); observer.disconnect(); });
"""

LABELS = "() => Array.from(document.querySelectorAll('.gz-country-label')).map((n) => n.textContent).sort()"


@pytest.fixture(scope="module")
def seed_html(seed: list[GeoparsedArticle], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("start") / "seed.html"
    export_map(seed, path, fmt="html")
    return path


def test_country_labels_are_laid_out_once_for_the_fitted_view(browser, seed_html) -> None:  # noqa: ANN001
    opened = Opened(browser, seed_html, init_script=COUNT_LABELS)
    page = opened.page
    try:
        labels = page.evaluate(LABELS)
        added = page.evaluate("() => window.gzLabelsAdded")
        assert labels and added == len(labels), (added, labels)
        # The same view laid out again (zoomed out and back) draws the same labels.
        page.evaluate("""() => {
            const map = Object.values(window).find((v) => v instanceof L.Map);
            const z = map.getZoom(), c = map.getCenter();
            map.setView(c, z - 1, { animate: false });
            map.setView(c, z, { animate: false });
        }""")
        assert page.evaluate(LABELS) == labels
        assert not opened.errors, opened.errors
    finally:
        page.close()
