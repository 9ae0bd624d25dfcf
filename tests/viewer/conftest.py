"""Fixtures shared by the window tests: the real geoparser in-thread, and windows to open."""

from __future__ import annotations

import pytest

from places.articles import load_article
from viewer.window import MainWindow


@pytest.fixture(scope="session")
def parse_one():
    """The real geoparser, in-thread (the app's default runs it in a child process)."""
    from places.geoparse import default_geoparser

    geoparser = default_geoparser()
    return lambda path: geoparser.parse(load_article(path))


@pytest.fixture
def make_window(qtbot, parse_one):
    windows = []

    def make(**options) -> MainWindow:
        options.setdefault("parse_one", parse_one)
        window = MainWindow(**options)
        window.resize(1200, 800)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.dispose()
