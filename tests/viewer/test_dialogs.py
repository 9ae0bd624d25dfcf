"""viewer/dialogs.py: message boxes show file names and titles as plain text, never markup."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer import dialogs

MARKUP = "Cannot open <h1><font color=red>Odesa</font></h1><a href='https://example.org'>here</a>.txt: there is no such file."


def test_a_warning_shows_markup_literally(qtbot):
    seen: list[tuple[Qt.TextFormat, str]] = []

    def inspect_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, inspect_and_close)
            return
        seen.append((box.textFormat(), box.text()))
        box.accept()

    QTimer.singleShot(20, inspect_and_close)
    dialogs.warning(None, "Gazette", MARKUP)
    assert seen == [(Qt.TextFormat.PlainText, MARKUP)]
