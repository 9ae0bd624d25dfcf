"""Presentation mode under pytest-qt: keys sent to the window, the card read from the page,
the map's centre and zoom reported through the bridge."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.support.window import open_and_wait, run_page_js
from viewer import dialogs
from viewer.lessonmap import great_circle_km

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "assets" / "sample"


def page_state(qtbot, window) -> dict:
    return json.loads(run_page_js(qtbot, window.map_view.page(), "JSON.stringify(gazette.presentation())"))


def press(qtbot, window, key) -> tuple[float, float, float, int]:
    """Send ``key`` to the window; the view the page reports once the map has settled."""
    with qtbot.waitSignal(window.map_view.viewChanged, check_params_cb=lambda *view: view[3] >= 0, timeout=15000) as blocker:
        qtbot.keyClick(window, key)
    return tuple(blocker.args)


@pytest.fixture
def presenting(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "warning", lambda *a, **k: pytest.fail(a[2]))
    for name in ("black-sea.gazette.yaml", "black-sea-grain-corridor.md"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    window = make_window()
    open_and_wait(qtbot, window, tmp_path / "black-sea.gazette.yaml")
    window.lesson_file.ask_to_save = lambda: QMessageBox.StandardButton.Discard
    with qtbot.waitSignal(window.map_view.viewChanged, check_params_cb=lambda *view: view[3] == 0, timeout=15000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presentation.active and window.isFullScreen() and not window.side_panel.isVisible()
    return window


def test_the_keys_walk_the_tour_and_the_card_follows(qtbot, presenting):
    window = presenting
    tour = window.session.lesson.tour
    state = page_state(qtbot, window)
    assert state["total"] == 5 and "stop 1 of 5" in state["card"] and tour[0].caption in state["card"]
    seen = [state["card"]]
    for n, key in enumerate([Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown, Qt.Key.Key_Right], start=2):
        lat, lon, zoom, stop = press(qtbot, window, key)
        state = page_state(qtbot, window)
        assert stop == n - 1 and f"stop {n} of 5" in state["card"] and tour[n - 1].caption in state["card"]
        seen.append(state["card"])
        if tour[n - 1].view is not None:
            assert (round(lat, 1), round(lon, 1), zoom) == (tour[n - 1].view.lat, tour[n - 1].view.lon, tour[n - 1].view.zoom)
    assert len(set(seen)) == 5
    lat, lon, zoom, stop = press(qtbot, window, Qt.Key.Key_Left)
    assert stop == 3 and "stop 4 of 5" in page_state(qtbot, window)["card"]
    assert press(qtbot, window, Qt.Key.Key_Home)[3] == 0
    assert press(qtbot, window, Qt.Key.Key_End)[3] == 4
    assert press(qtbot, window, Qt.Key.Key_PageUp)[3] == 3
    # The excerpt is on the card with the name marked.
    marked = run_page_js(qtbot, window.map_view.page(), "document.querySelector('.gz-card-excerpt mark') && document.querySelector('.gz-card-excerpt mark').textContent")
    assert marked == "Istanbul"


def test_b_blanks_and_esc_leaves(qtbot, presenting):
    window = presenting
    qtbot.keyClick(window, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: page_state(qtbot, window)["blank"], timeout=5000)
    shade = run_page_js(qtbot, window.map_view.page(), "getComputedStyle(document.querySelector('.gz-blank')).display")
    assert shade == "block"
    qtbot.keyClick(window, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: not page_state(qtbot, window)["blank"], timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.presentation.active, timeout=5000)
    assert window.side_panel.isVisible() and not window.isFullScreen()
    assert not page_state(qtbot, window)["on"]


def test_the_caption_is_large(qtbot, presenting):
    size = run_page_js(qtbot, presenting.map_view.page(), "parseFloat(getComputedStyle(document.querySelector('.gz-card-caption')).fontSize)")
    assert size >= 28


def test_the_quiz_asks_answers_with_the_great_circle_and_scores(qtbot, presenting):
    window = presenting
    qtbot.keyClick(window, Qt.Key.Key_Q)
    qtbot.waitUntil(lambda: page_state(qtbot, window)["quiz"], timeout=5000)
    assert "Where is Odesa?" in page_state(qtbot, window)["card"]
    hidden = run_page_js(qtbot, window.map_view.page(), "getComputedStyle(document.querySelector('.leaflet-marker-pane')).display")
    assert hidden == "none"
    km = run_page_js(qtbot, window.map_view.page(), "gazette.quizAnswer(40.0, 30.0)")
    odesa = next(g.place for g in window.session.groups.values() if g.place.name == "Odesa")
    assert km == pytest.approx(great_circle_km(40.0, 30.0, odesa.lat, odesa.lon), rel=1e-9)
    assert "km away" in page_state(qtbot, window)["card"]
    for _ in range(10):
        qtbot.keyClick(window, Qt.Key.Key_Right)
        qtbot.wait(50)
        if "Where is" not in page_state(qtbot, window)["card"]:
            break
        run_page_js(qtbot, window.map_view.page(), "gazette.quizAnswer(41.0, 29.0)")
    qtbot.waitUntil(lambda: "within 500 km" in page_state(qtbot, window)["card"], timeout=5000)


def test_without_a_tour_the_places_come_in_the_order_first_named(qtbot, make_window, tmp_path):
    window = make_window()
    article = tmp_path / "two.txt"
    article.write_text("Ships left Vladivostok for Pyongyang on Monday.\n", encoding="utf-8")
    open_and_wait(qtbot, window, article)
    with qtbot.waitSignal(window.map_view.viewChanged, check_params_cb=lambda *view: view[3] == 0, timeout=15000):
        assert window.presentation.start()
    assert "Vladivostok" in page_state(qtbot, window)["card"]
    press(qtbot, window, Qt.Key.Key_Right)
    assert "Pyongyang" in page_state(qtbot, window)["card"]
    window.presentation.stop()


def test_a_real_click_on_the_map_answers_the_quiz_with_the_great_circle_distance(qtbot, presenting):
    from geopy.distance import great_circle

    from tests.support.window import mouse_click, page_point

    window = presenting
    page = window.map_view.page()
    qtbot.keyClick(window, Qt.Key.Key_Q)
    qtbot.waitUntil(lambda: "Where is Odesa?" in page_state(qtbot, window)["card"], timeout=5000)
    width, height = json.loads(run_page_js(qtbot, page, "JSON.stringify([innerWidth, innerHeight])"))
    x, y = round(width * 0.3), round(height * 0.6)  # a point of the map; moved above the card if it falls on it
    card = json.loads(run_page_js(qtbot, page, "JSON.stringify((function(){var r=document.querySelector('.gz-card').getBoundingClientRect();return [r.left,r.top,r.right,r.bottom];})())"))
    if card[0] <= x <= card[2] and card[1] <= y <= card[3]:
        y = round(card[1] / 2)  # above the card
    clicked = tuple(json.loads(run_page_js(qtbot, page, f"JSON.stringify(gazette.pointAt({x}, {y}))")))
    mouse_click(qtbot, window.map_view, page_point(qtbot, window.map_view, x, y))
    qtbot.waitUntil(lambda: "km away" in page_state(qtbot, window)["card"], timeout=5000)
    km = float(run_page_js(qtbot, page, "document.querySelector('.gz-quiz-distance').dataset.km"))
    odesa = next(g.place for g in window.session.groups.values() if g.place.name == "Odesa")
    truth = great_circle(clicked, (odesa.lat, odesa.lon)).km
    assert km == pytest.approx(truth, rel=0.01)
    shown = int(page_state(qtbot, window)["card"].split(" km away")[0].rsplit("Odesa", 1)[-1].replace(",", ""))
    assert shown == round(km)
    guess = json.loads(run_page_js(qtbot, page, "JSON.stringify((function(){var r=document.querySelector('.gz-quiz-guess').getBoundingClientRect();return [r.left + r.width / 2, r.top + r.height / 2];})())"))
    assert abs(guess[0] - x) <= 2 and abs(guess[1] - y) <= 2  # the guess is drawn where the mouse clicked
