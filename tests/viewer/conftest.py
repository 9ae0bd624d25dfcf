"""Fixtures shared by the window tests: the real geoparser in-thread, and windows to open."""

from __future__ import annotations

import pytest

from viewer.window import MainWindow


@pytest.fixture(scope="session")
def parse():
    """The real geoparser, in-thread (the app's default runs it in a child process)."""
    from places.geoparse import shared_geoparser

    return shared_geoparser().parse


@pytest.fixture
def make_window(qtbot, parse):
    windows = []

    def make(**options) -> MainWindow:
        options.setdefault("parse", parse)
        window = MainWindow(**options)
        window.resize(1200, 800)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.dispose()
