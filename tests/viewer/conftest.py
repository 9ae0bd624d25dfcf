"""Fixtures shared by the window tests: the real geoparser in-thread, and windows to open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.support.window import TINY_PAGE
from viewer.mapview import MapView
from viewer.window import MainWindow


@pytest.fixture(scope="session")
def parse():
    """The real geoparser, in-thread, as the app's child process runs it (demonyms as associative mentions)."""
    from places.geoparse import shared_geoparser

    return shared_geoparser(demonyms=True).parse


@pytest.fixture
def make_window(qtbot, parse):
    windows = []

    def make(**options) -> MainWindow:
        options.setdefault("parse", parse)
        window = MainWindow(**options)
        window.lesson_file.ask_to_save = lambda: QMessageBox.StandardButton.Discard  # tests close windows with changes
        window.resize(1200, 800)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.dispose()


@pytest.fixture
def tiny(qtbot):
    """A MapView showing TINY_PAGE, handshake done; place "geonames:1" is known."""
    view = MapView()
    view.resize(400, 300)
    with qtbot.waitSignal(view.ready, timeout=15000):
        view.load_page(TINY_PAGE, known_ids=["geonames:1"])
    yield view
    view.close()
    view.dispose()
