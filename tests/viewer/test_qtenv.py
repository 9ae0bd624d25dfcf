"""viewer.qtenv: the Qt environment before the app, the app once, and the two helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from places.errors import SaveError
from viewer import qtenv


def test_set_environment_without_a_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--foo")
    qtenv.set_environment()
    if sys.platform.startswith("linux"):
        assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert "--foo" in flags
    if os.geteuid() == 0:
        assert flags.count("--no-sandbox") == 1
        qtenv.set_environment()
        assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split().count("--no-sandbox") == 1


def test_application_is_the_one_app(qapp):
    assert qtenv.application() is qapp


def test_save_widget_png_and_wait_for(qapp, qtbot, tmp_path):
    label = QLabel("Gazette")
    qtbot.addWidget(label)
    label.resize(120, 40)
    label.show()
    qtenv.save_widget_png(label, tmp_path / "label.png")
    image = QImage(str(tmp_path / "label.png"))
    assert (image.width(), image.height()) == (120, 40)
    start = time.monotonic()
    assert not qtenv.wait_for(lambda: False, timeout_s=0.2)
    assert time.monotonic() - start >= 0.2
    assert qtenv.wait_for(lambda: True, timeout_s=0.1)


def test_an_unwritable_png_is_a_save_error(qapp, qtbot, tmp_path):
    label = QLabel("x")
    qtbot.addWidget(label)
    with pytest.raises(SaveError):
        qtenv.save_widget_png(label, tmp_path / "missing-dir" / "x.png")


def test_importing_qtenv_imports_no_qt_and_no_other_viewer_module():
    code = "import sys, viewer.qtenv; print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'viewer.'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['viewer.qtenv']"
