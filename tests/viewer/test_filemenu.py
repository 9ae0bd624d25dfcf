"""viewer.filemenu: File › Open Folder…, drops of a folder, Open Recent kept across windows (temporary QSettings)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

import viewer.filemenu
from tests.support.folders import write_articles
from viewer import dialogs
from viewer.filemenu import MAX_RECENT
from viewer.settings import Remembered

TITLES = ["Talks in Pyongyang", "Ships leave Odesa", "Patrols near Varna", "Floods in Texas"]


def recent_entries(window) -> list[str]:
    window.file_sources.fill_recent_menu()  # as the menu does before it shows
    return [a.data() for a in window.file_sources.recent_menu.actions() if a.data()]


def test_open_folder_reads_it_recursively_and_remembers_it(qtbot, make_window, tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "week")
    asked = []

    def choose(parent, caption, start, *args, **kwargs):
        asked.append(start)
        return str(folder)

    monkeypatch.setattr(viewer.filemenu.QFileDialog, "getExistingDirectory", choose)
    window = make_window()
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.file_sources.folder_action.trigger()
    assert [d.article.title for d in window.docs] == TITLES
    assert {"Odesa", "Varna", "Pyongyang", "Houston"} <= {g.place.name for g in window.session.groups.values()}
    assert window.paths == (folder,)
    assert recent_entries(window) == [str(folder)]
    window.file_sources.folder_action.trigger()  # the dialog now starts in the folder last opened
    assert asked == ["", str(folder)]
    qtbot.waitUntil(lambda: not window.busy, timeout=60000)


def test_a_dropped_folder_opens_and_unreadable_files_are_summed_up(qtbot, make_window, tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "week")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "asia" / "scan.txt").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "warning", lambda parent, title, text, *a, **k: shown.append((title, text)))
    window = make_window(parse=None)  # the app's own way: the child process reads the folder
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.mapReady, timeout=90000):
        window.dropEvent(event)
    assert [d.article.title for d in window.docs] == TITLES  # the rest opened
    assert len(shown) == 1, shown  # one dialog sums the failures up
    title, text = shown[0]
    assert title == "Gazette" and text.startswith("2 of 6 files could not be read:")
    assert "scan.txt (a PDF document)" in text and "empty.txt (empty)" in text
    assert "could not be read" not in window.status_label.text()


def test_recent_files_persist_across_windows_and_missing_ones_drop(qtbot, make_window, tmp_path):
    folder = write_articles(tmp_path / "week")
    single = tmp_path / "port.txt"
    single.write_text("Port news\n\nShips left Odesa for Varna.\n", encoding="utf-8")
    first = make_window()
    with qtbot.waitSignal(first.mapReady, timeout=60000):
        first.open_paths([folder])
    with qtbot.waitSignal(first.mapReady, timeout=60000):
        first.open_paths([single])
    assert recent_entries(first) == [str(single), str(folder)]
    first.close()

    second = make_window()
    assert recent_entries(second) == [str(single), str(folder)]  # read back from the settings file
    with qtbot.waitSignal(second.mapReady, timeout=60000):
        next(a for a in second.file_sources.recent_menu.actions() if a.data() == str(folder)).trigger()
    assert [d.article.title for d in second.docs] == TITLES
    assert recent_entries(second) == [str(folder), str(single)]  # newest first

    shutil.rmtree(folder)
    assert recent_entries(second) == [str(single)]  # gone: dropped, no crash
    assert Remembered().recent() == [str(single)]
    stale = next(a for a in second.file_sources.recent_menu.actions() if a.data() == str(single))
    single.unlink()
    stale.trigger()  # removed while the menu was open: nothing opens, nothing breaks
    assert not second.busy and Remembered().recent() == []
    assert [a.text() for a in second.file_sources.recent_menu.actions()] == ["No recent files"]


def test_the_recent_list_keeps_the_newest_ten(qtbot, make_window, tmp_path):
    window = make_window()
    files = []
    for n in range(MAX_RECENT + 3):
        path = tmp_path / f"a&b-{n}.txt"
        path.write_text(f"Article {n}\n\nShips left Odesa.\n", encoding="utf-8")
        files.append(path)
        window.file_sources.opened([path])
    entries = recent_entries(window)
    assert entries == [str(p) for p in reversed(files)][:MAX_RECENT]
    labels = [a.text() for a in window.file_sources.recent_menu.actions() if a.data()]
    assert labels[0] == f"&1 a&&b-{MAX_RECENT + 2}.txt"  # an ampersand in a name is shown, not a shortcut
    window.file_sources.clear_recent()
    assert recent_entries(window) == [] and Remembered().recent() == []


def test_clips_are_not_recent(qtbot, make_window, tmp_path):
    from places.sources import pasted_article, save_clip

    window = make_window()
    clip = save_clip(pasted_article("Pasted\n\nShips left Odesa."), tmp_path)
    window.file_sources.opened([clip])
    assert recent_entries(window) == []


def test_settings_live_in_the_tests_own_folder(tmp_path):
    settings = Remembered().settings
    assert Path(settings.fileName()).is_relative_to(tmp_path.parent)  # pytest's folder for this run
    assert not Path(settings.fileName()).is_relative_to(Path.home() / ".config")


def test_open_takes_many_files_and_a_feed_at_once(qtbot, make_window, tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "week")
    feed = tmp_path / "ports.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Port news</title>'
        "<item><title>Ships in Istanbul</title><description>Ships reached Istanbul from Odesa.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    chosen = [str(folder / "black-sea" / "odesa.txt"), str(folder / "asia" / "pyongyang.txt"), str(feed)]
    monkeypatch.setattr(viewer.filemenu.QFileDialog, "getOpenFileNames", lambda *a, **k: (chosen, ""))
    window = make_window()
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.open_action.trigger()
    assert [d.article.title for d in window.docs] == ["Ships leave Odesa", "Talks in Pyongyang", "Ships in Istanbul"]
    assert Remembered().last_folder() == str(folder / "black-sea")
    assert recent_entries(window) == chosen
