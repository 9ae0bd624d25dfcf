"""Message boxes that show their text literally: file names and titles are not markup.

Qt's message boxes guess rich text from the string (``Qt.AutoText``), so a file named
``<h1><a href=…>`` would become a heading with a link; every dialog of Gazette's goes here.
"""

from __future__ import annotations

__all__ = ["warning"]

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def warning(parent: QWidget | None, title: str, text: str) -> int:
    """A modal warning with ``text`` as plain text; returns the button pressed."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box.exec()
