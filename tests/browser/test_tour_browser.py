"""An exported tour in headless Chromium with the network blocked: the keys step through the
stops, the quiz answers a click with the great-circle distance, and the lesson travels inside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from places.geoparse import shared_geoparser
from places.sources import embedded_lesson, lesson_of
from tests.support.browser import Opened
from viewer.export import export_map
from viewer.lessonmap import apply_lesson, default_tour, great_circle_km

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample"


@pytest.fixture(scope="module")
def tour(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("tour")
    for name in ("black-sea.gazette.yaml", "black-sea-grain-corridor.md"):
        shutil.copy(SAMPLE / name, folder / name)
    lesson = lesson_of(folder / "black-sea.gazette.yaml")
    geoparser = shared_geoparser()
    docs = apply_lesson([geoparser.parse(a) for a in lesson.articles], lesson, lookup=geoparser.gazetteer.by_id)
    out = folder / "tour.html"
    export_map(docs, out, fmt="html", lesson=lesson)
    return out, lesson


def _card(opened: Opened) -> str:
    return opened.page.evaluate("gazette.presentation().card")


def test_the_keys_step_through_the_tour_offline(browser, tour):
    path, lesson = tour
    opened = Opened(browser, path)
    page = opened.page
    assert "stop 1 of 5" in _card(opened) and lesson.tour[0].caption in _card(opened)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("gazette.presentation().index === 1")
    assert "stop 2 of 5" in _card(opened) and lesson.tour[1].caption in page.inner_text(".gz-card")
    page.keyboard.press("PageDown")
    page.wait_for_function("gazette.presentation().index === 2")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("gazette.presentation().index === 1")
    assert lesson.tour[1].caption in page.inner_text(".gz-card")
    page.keyboard.press("End")
    page.wait_for_function("gazette.presentation().index === 4")
    page.keyboard.press("Home")
    page.wait_for_function("gazette.presentation().index === 0")
    page.keyboard.press("b")
    assert page.evaluate("getComputedStyle(document.querySelector('.gz-blank')).display") == "block"
    page.keyboard.press("b")
    assert opened.blocked == [] and opened.errors == []


def test_captions_are_large_at_1080p(browser, tour):
    opened = Opened(browser, tour[0])
    opened.page.set_viewport_size({"width": 1920, "height": 1080})
    size = opened.page.evaluate("parseFloat(getComputedStyle(document.querySelector('.gz-card-caption')).fontSize)")
    assert size >= 28


def test_the_quiz_answers_a_click_with_the_great_circle_distance(browser, tour):
    path, lesson = tour
    opened = Opened(browser, path)
    page = opened.page
    page.keyboard.press("q")
    page.wait_for_function("gazette.presentation().quiz === true")
    question = page.inner_text(".gz-quiz-question")
    assert question == f"Where is {lesson.tour[0].place}?"
    assert page.evaluate("getComputedStyle(document.querySelector('.leaflet-marker-pane')).display") == "none"
    x, y = 300, 300
    lat, lon = page.evaluate(f"gazette.pointAt({x}, {y})")
    page.mouse.click(x, y)
    page.wait_for_selector(".gz-quiz-distance")
    km = float(page.get_attribute(".gz-quiz-distance", "data-km"))
    odesa = next(s for s in page.evaluate("gazette.presentation() && JSON.parse(document.getElementById('gz-data').textContent).lesson.tour") if s["name"] == "Odesa")
    expected = great_circle_km(lat, lon, odesa["lat"], odesa["lon"])
    assert km == pytest.approx(expected, rel=0.01)
    assert page.locator(".gz-quiz-line").count() == 1 and page.locator(".gz-quiz-truth").count() == 1
    assert opened.blocked == []


def test_the_exported_tour_gives_back_the_lesson(tour):
    path, lesson = tour
    back = embedded_lesson(path)
    assert back is not None
    assert (back.title, back.notes, back.basemap, back.corrections, back.extra_places, back.tour) == (
        lesson.title, lesson.notes, lesson.basemap, lesson.corrections, lesson.extra_places, lesson.tour)
    assert [a.text for a in back.articles] == [a.text for a in lesson.articles]


def test_a_lesson_without_a_tour_walks_its_places_first_named_first(browser, tmp_path):
    # The default tour travels as [place id, zoom] pairs; the page makes each stop from its place.
    shutil.copy(SAMPLE / "black-sea-grain-corridor.md", tmp_path / "article.md")
    (tmp_path / "plain.gazette.yaml").write_text("title: No tour\narticles: [article.md]\n", encoding="utf-8")
    lesson = lesson_of(tmp_path / "plain.gazette.yaml")
    docs = [shared_geoparser().parse(a) for a in lesson.articles]
    first = {}  # each place's first mention, which the page's stop shows
    for m in sorted((m for d in docs for m in d.mentions), key=lambda m: m.start):
        first.setdefault(m.place.id, m)
    expected = [first[place_id] for place_id, _ in default_tour(docs)]
    out = tmp_path / "plain.html"
    export_map(docs, out, fmt="html", lesson=lesson)
    assert '"tourPlaces":[[' in out.read_text(encoding="utf-8") and len(expected) > 3
    opened = Opened(browser, out)
    page = opened.page
    for n, mention in enumerate(expected[:3]):
        if n:
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"gazette.presentation().index === {n}")
        card = _card(opened)
        assert f"stop {n + 1} of {len(expected)}" in card and mention.place.name in card
        marked = page.eval_on_selector_all(".gz-card-excerpt mark", "ms => ms.map(m => m.textContent)")
        assert mention.text in marked
        assert mention.excerpt == page.eval_on_selector(".gz-card-excerpt", "p => p.textContent")
    page.keyboard.press("End")
    page.wait_for_function(f"gazette.presentation().index === {len(expected) - 1}")
    assert expected[-1].place.name in _card(opened)
    assert opened.blocked == [] and opened.errors == []
