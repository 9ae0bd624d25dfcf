"""The lesson behind the window: reading it after an open, File › Save Lesson / Save Lesson As, Redo,
and asking before unsaved changes are lost.  The window only assembles this.
"""

from __future__ import annotations

__all__ = ["LESSON_FILTER", "LessonFile", "gazetteer_place", "read_lesson"]

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from places.errors import GazetteError
from places.lessons import Lesson, save_lesson
from places.model import Place
from places.sources import is_lesson, lesson_of
from viewer.basemaps import BASEMAPS

MainWindow = Any  # viewer.window.MainWindow, which imports this module

LESSON_FILTER = "Lessons (*.gazette.yaml *.yaml *.yml)"
Ask = Callable[[], QMessageBox.StandardButton]


def gazetteer_place(place_id: str) -> Place | None:
    """A place by id from the offline gazetteer (loaded on first need: most readings come with the mentions)."""
    from places.geoparse import shared_geoparser

    return shared_geoparser().gazetteer.by_id(place_id)


def read_lesson(paths: Sequence[Path]) -> tuple[Lesson | None, Path | None]:
    """The lesson one opened path holds (a lesson file or an exported tour) and its file, if a lesson file."""
    if len(paths) != 1:
        return None, None
    lesson = lesson_of(paths[0], basemaps=BASEMAPS)
    return lesson, (paths[0] if lesson is not None and is_lesson(paths[0]) else None)


class LessonFile(QObject):
    """Save / Save As / Redo for ``window``'s session; :meth:`confirm_close` before closing."""

    def __init__(self, window: MainWindow, *, file_menu: QMenu, edit_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        before = file_menu.actions()[1] if len(file_menu.actions()) > 1 else None
        self.save_action = file_menu.addAction("&Save Lesson", QKeySequence.StandardKey.Save, self.save)
        self.save_as_action = file_menu.addAction("Save Lesson &As…", QKeySequence("Ctrl+Shift+S"), self.save_as_dialog)
        if before is not None:
            for action in (self.save_action, self.save_as_action):
                file_menu.insertAction(before, action)
        self.redo_action = edit_menu.addAction("&Redo", QKeySequence("Ctrl+Shift+Z"), window.redo)
        self.ask_to_save: Ask = self._ask
        """Asked before unsaved changes would be lost (tests replace it)."""

    def window_title(self) -> str:
        """The lesson's title while a lesson is open (a lesson file or an exported tour), else the articles'."""
        lesson = self.window.session.saved_lesson
        if lesson is None:
            return self.window.session.window_title()
        return " ".join(f"{lesson.title} — Gazette".split())

    def update(self) -> None:
        session = self.window.session
        self.save_action.setEnabled(session.lesson is not None)
        self.save_as_action.setEnabled(session.lesson is not None)
        label = session.redo_label
        self.redo_action.setEnabled(label is not None)
        self.redo_action.setText(f"&Redo {label}" if label else "&Redo")

    def save(self) -> bool:
        """Save the lesson where it was read from; a lesson without a file asks for one."""
        path = self.window.session.shown.lesson_path
        return self.save_as(path) if path is not None else self.save_as_dialog()

    def save_as_dialog(self) -> bool:
        session = self.window.session
        if session.lesson is None:
            return False
        start = session.shown.lesson_path or (session.paths[0].with_suffix(".gazette.yaml") if session.paths else Path("lesson.gazette.yaml"))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save Lesson As", str(start), LESSON_FILTER)
        return self.save_as(Path(path)) if path else False

    def save_as(self, path: Path) -> bool:
        """Write the lesson to ``path`` atomically (articles copied beside it when it moves); errors are a dialog."""
        session = self.window.session
        if session.lesson is None:
            return False
        path = Path(path)
        if not path.name.lower().endswith((".yaml", ".yml")):
            path = path.with_name(path.name + ".gazette.yaml")
        lesson = dataclasses.replace(session.lesson, basemap=self.window.basemap)
        try:
            save_lesson(path, lesson)
        except (GazetteError, OSError) as err:
            self.window.show_error(f"Cannot save the lesson to {path}: {err}")
            return False
        self.window.adopt_saved_lesson(path, lesson)
        self.window.statusBar().showMessage(f"Saved {path.name}", 5000)
        return True

    def confirm_close(self) -> bool:
        """True when the window may close: nothing unsaved, or the person saved or discarded it."""
        if not self.window.session.modified:
            return True
        answer = self.ask_to_save()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _ask(self) -> QMessageBox.StandardButton:
        box = QMessageBox(QMessageBox.Icon.Question, "Gazette", "The lesson has unsaved changes. Save them?", parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())
