"""The tour editor driven through its widgets: add a place and a view, edit a caption, reorder, delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from places.lessons import TourStop
from tests.support.window import open_and_wait

REPO = Path(__file__).resolve().parents[2]


def _names(panel) -> list[str]:
    return [s.place or "view" for s in panel.stops()]


def test_add_caption_reorder_delete_and_undo(qtbot, make_window, tmp_path):
    article = tmp_path / "trip.txt"
    article.write_text("Ships left Vladivostok for Pyongyang, then sailed on to Busan.\n", encoding="utf-8")
    window = make_window()
    open_and_wait(qtbot, window, article)
    panel = window.tour_panel
    panel.show()
    assert panel.list.count() == 0

    for name in ("Vladivostok", "Pyongyang"):
        pid = next(p for p, g in window.session.groups.items() if g.place.name == name)
        window.places.select_place(pid, focus=False)
        qtbot.mouseClick(panel.add_place_button, Qt.MouseButton.LeftButton)
    assert _names(panel) == ["Vladivostok", "Pyongyang"]
    with qtbot.waitSignal(window.map_view.viewChanged, timeout=15000):
        window.map_view.page().runJavaScript("gazette.focusPlace(gazette.places()[0])")
    qtbot.mouseClick(panel.add_view_button, Qt.MouseButton.LeftButton)
    assert _names(panel) == ["Vladivostok", "Pyongyang", "view"]
    assert window.session.lesson.tour == panel.stops() and window.isWindowModified()

    # Caption: the field under the list edits the selected stop.
    panel.list.setCurrentRow(0)
    assert panel.caption_edit.text() == "Vladivostok"
    panel.caption_edit.clear()
    qtbot.keyClicks(panel.caption_edit, "Where the ships left")
    qtbot.keyClick(panel.caption_edit, Qt.Key.Key_Return)
    assert window.session.lesson.tour[0] == TourStop(place="Vladivostok", caption="Where the ships left")

    # Reorder with Alt+Down, then delete with Delete.
    panel.list.setFocus()
    panel.list.setCurrentRow(0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _names(panel) == ["Pyongyang", "Vladivostok", "view"]
    assert [s.place for s in window.session.lesson.tour][:2] == ["Pyongyang", "Vladivostok"]
    panel.list.setCurrentRow(2)
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert _names(panel) == ["Pyongyang", "Vladivostok"]
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)  # the current row: Vladivostok
    assert [s.place for s in window.session.lesson.tour] == ["Pyongyang"]

    # Every edit was one step of the window's undo stack.
    with qtbot.waitSignal(window.stateChanged, timeout=30000):
        window.undo()
    assert _names(panel) == ["Pyongyang", "Vladivostok"]
