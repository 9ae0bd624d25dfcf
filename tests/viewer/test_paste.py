"""viewer.paste: Edit › Paste Article (Ctrl+V), dropped text and dropped links (online off: it says so; on: fetched)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from places.sources import PASTED_SOURCE, is_clip
from tests.support.page_server import page_server
from tests.support.window import page_value
from viewer import dialogs
from viewer.paste import LINKS_NEED_ONLINE

TEXT = "Grain talks in Istanbul\n\nMinisters met in Istanbul to discuss ships leaving Odesa for Varna.\n"


def drop(window, mime: QMimeData) -> None:
    flags = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPointF(10, 10), *flags)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(QPointF(10, 10), *flags))


def names(window) -> set[str]:
    return {g.place.name for g in window.session.groups.values()}


def test_ctrl_v_pastes_an_article_through_the_parse_job(qtbot, make_window):
    window = make_window(parse=None)  # the app's own way: the child process reads the clip
    assert window.clipper.paste_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Paste)
    assert window.clipper.paste_action in window.menuBar().actions()[1].menu().actions()  # Edit › Paste Article
    QApplication.clipboard().setText(TEXT)
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.clipper.paste_action.trigger()
    (doc,) = window.docs
    assert doc.article.title == "Grain talks in Istanbul" and doc.article.source == PASTED_SOURCE
    assert doc.article.id.startswith("pasted-") and is_clip(window.paths[0])
    assert {"Istanbul", "Odesa", "Varna"} <= names(window)
    first_id = doc.article.id
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.clipper.paste()  # the same text again: the same article
    assert window.docs[0].article.id == first_id
    assert window.file_sources.recent() == []  # a paste is no recent file


def test_dropped_text_from_a_browser_opens_as_an_article(qtbot, make_window):
    window = make_window()
    mime = QMimeData()
    mime.setText(TEXT)
    mime.setHtml("<p>" + TEXT + "</p>")
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        drop(window, mime)
    assert window.docs[0].article.title == "Grain talks in Istanbul"
    assert "Odesa" in names(window)


def test_pasting_nothing_readable_says_so(qtbot, make_window, monkeypatch):
    window = make_window()
    shown = []
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    window.clipper.open_text("  -- !! --  ")
    assert shown == ["Cannot paste: the text has no words in it."] and not window.busy


def test_a_dropped_link_with_online_off_says_so_and_fetches_nothing(qtbot, make_window):
    with page_server() as server:
        window = make_window()
        mime = QMimeData()
        mime.setUrls([QUrl(server.url("/article.html"))])
        drop(window, mime)
        assert window.statusBar().currentMessage() == LINKS_NEED_ONLINE
        qtbot.wait(300)
        assert server.paths == [] and not window.busy and not window.docs


def test_a_dropped_link_with_online_on_is_fetched_and_mapped(qtbot, make_window, monkeypatch):
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: pytest.fail(text))
    with page_server() as server:
        window = make_window(online=True)
        mime = QMimeData()
        mime.setUrls([QUrl(server.url("/article.html"))])
        mime.setText(server.url("/article.html"))
        with qtbot.waitSignal(window.mapReady, timeout=60000):
            drop(window, mime)
        assert server.paths == ["/article.html"]
    (doc,) = window.docs
    assert doc.article.title == "Ships leave Odesa for Varna" and doc.article.source == server.url("/article.html")
    assert "Subscribe" not in doc.article.text  # read like a saved page
    assert {"Odesa", "Varna", "Constanţa"} <= names(window)
    assert set(page_value(qtbot, window, "gazette.shownPlaces()")) == set(window.session.groups)  # read back from the map


def test_a_pasted_link_is_fetched_like_a_dropped_one_and_failures_are_one_dialog(qtbot, make_window, monkeypatch):
    shown = []
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    with page_server() as server:
        window = make_window(online=True)
        QApplication.clipboard().setText(server.url("/missing"))
        job = window.clipper.paste() and next(iter(window.clipper.fetches))
        qtbot.waitUntil(lambda: bool(shown), timeout=15000)
        assert job is not None and server.paths == ["/missing"]
    assert shown == [f"Cannot open {server.url('/missing')}: the server answered 404."]
    assert not window.docs


def test_the_ctrl_v_key_pastes_from_the_map_and_from_the_table(qtbot, make_window):
    from PySide6.QtTest import QTest

    window = make_window()
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.clipper.open_text("Port\n\nShips left Odesa.")
    window.activateWindow()
    for target, text in ((window.map_view.focusProxy() or window.map_view, TEXT), (window.places, "Moscow talks\n\nTalks in Moscow.")):
        target.setFocus()
        QApplication.clipboard().setText(text)
        with qtbot.waitSignal(window.mapReady, timeout=60000):
            QTest.keyClick(QApplication.focusWidget() or target, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert window.docs[0].article.title == text.split("\n")[0]
    window.side_panel.search.setFocus()  # in the filter box Ctrl+V is the box's own paste
    QTest.keyClick(window.side_panel.search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "Moscow talks" in window.side_panel.search.text()
    assert not window.busy and window.docs[0].article.title == "Moscow talks"
