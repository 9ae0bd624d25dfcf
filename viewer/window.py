"""The main window: assembles the map, the places list and the excerpt panel; menus, status bar, dialogs.

What is shown and the undo stack live in :class:`viewer.session.Session`; geoparsing runs in
:class:`viewer.worker.ParseJob`; the page is built by :func:`viewer.mapbuilder.map_page` and
shown by :class:`viewer.mapview.MapView`.  A failed or cancelled open leaves the previous state.
"""

from __future__ import annotations

__all__ = ["FALLBACK_NOTICE", "OPEN_FILTER", "MainWindow", "plain_title"]

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton, QSplitter

from places.errors import GazetteError
from places.model import GeoparsedArticle
from viewer import dialogs
from viewer.basemapmenu import FALLBACK_NOTICE, BasemapMenu
from viewer.basemaps import MapOptions
from viewer.corrections import Correction
from viewer.exportmenu import ExportMenu
from viewer.filemenu import OPEN_FILTER, FileSources
from viewer.firstrun import SampleWhileBuilding
from viewer.lessonfile import LessonFile, gazetteer_place, read_lesson
from viewer.mapview import MapView
from viewer.panel import SidePanel
from viewer.paste import Clipper
from viewer.placesearch import PlaceSearchDialog
from viewer.presentation import Presentation
from viewer.session import Change, Session
from viewer.settings import Remembered
from viewer.streaming import StreamingMap
from viewer.tourpanel import TourPanel
from viewer.worker import Parse, ParseJob, ParseResult, prestart_child, stop_spare_child

def plain_title(text: str) -> str:
    """A window title shown literally (Qt treats ``[*]`` as the modified-marker placeholder)."""
    return text.replace("[*]", "[*][*]")


class MainWindow(QMainWindow):
    """Map + places list + excerpt panel; menus for opening, exporting and the basemap."""

    stateChanged = Signal()
    """A new set of articles is shown (after Open, Undo, a correction or a redraw)."""
    mapReady = Signal()
    """The current map page finished building and the bridge handshake is done."""

    def __init__(
        self, *, basemap: str | None = None, connections: bool = False, online: bool = False, parse: Parse | None = None,
        map_view: MapView | None = None,
    ) -> None:
        super().__init__()
        self.remembered = Remembered()  # basemap None: the one chosen last time
        self.basemap = self.remembered.start_basemap(basemap)
        self.connections = connections
        self.online = online
        self.parse = parse  # None: parse in a child process (see viewer.worker); else this, in a thread
        if parse is None:
            prestart_child()
        self.session = Session(lookup=gazetteer_place)
        self.job: ParseJob | None = None
        self._running: set[ParseJob] = set()  # including cancelled jobs still winding down
        self.online_notice = ""

        self.map_view = map_view if map_view is not None else MapView()  # app.run makes it first, on its shell
        self.stream = StreamingMap(self.map_view, self)  # a folder's places appear as they are parsed
        self.first_run = SampleWhileBuilding(self)
        self.map_view.ready.connect(self.mapReady)
        self.map_view.placeClicked.connect(self._on_place_clicked)
        self.map_view.placeMoved.connect(self.move_place)
        self.side_panel = panel = SidePanel()
        panel.attach_map(self.map_view)
        self.places, self.excerpts, self.reading = panel.places, panel.excerpts, panel.reading
        self.places.selectedPlaces.connect(self._on_selection)
        self.places.focusRequested.connect(lambda pid: self.map_view.call("focusPlace", pid))
        self.places.correctionChosen.connect(self.correct)
        self.places.searchRequested.connect(self.search_reading)
        self.map_view.placeMenuRequested.connect(self.places.popup_menu)
        self.excerpts.correctionChosen.connect(self.correct)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.map_view)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 420])
        self.setCentralWidget(splitter)
        self.tour_panel = TourPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.tour_panel)
        self.tour_panel.hide()  # View › Tour shows it
        self._build_status_bar()
        self._build_menus()
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._update_chrome()

    def _build_status_bar(self) -> None:
        self.status_label = QLabel("No article open")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_open)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.file_sources = FileSources(self, menu=file_menu, remembered=self.remembered)
        self.open_action = self.file_sources.open_action
        self.exporter = ExportMenu(self, menu=file_menu.addMenu("&Export"))
        self.export_actions: dict[str, QAction] = self.exporter.actions
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = edit_menu.addAction("&Undo", QKeySequence("Ctrl+Z"), self.undo)
        self.lesson_file = LessonFile(self, file_menu=file_menu, edit_menu=edit_menu)
        edit_menu.addSeparator()
        self.clipper = Clipper(self, menu=edit_menu)
        view_menu = self.menuBar().addMenu("&View")
        self.basemap_menu = BasemapMenu(self, menu=view_menu.addMenu("&Basemap"))
        self.basemap_actions: dict[str, QAction] = self.basemap_menu.actions
        self.map_view.basemapFallback.connect(self._on_basemap_fallback)
        self.connections_action = view_menu.addAction("&Connections")
        self.connections_action.setCheckable(True)
        self.connections_action.setChecked(self.connections)
        self.connections_action.toggled.connect(self.set_connections)
        view_menu.addAction(self.tour_panel.toggleViewAction())
        self.presentation = Presentation(self, menu=view_menu, panel=self.side_panel)

    # ------------------------------------------------------------------ state

    @property
    def docs(self) -> tuple[GeoparsedArticle, ...]:
        return self.session.docs

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.session.paths

    @property
    def busy(self) -> bool:
        return self.job is not None

    @property
    def map_options(self) -> MapOptions:
        return MapOptions(basemap=self.basemap, connections=self.connections)

    def open_paths(self, paths: Sequence[str | Path]) -> None:
        """Geoparse ``paths`` (relative ones from the current folder) in the background and show them."""
        if not paths:
            return
        self.cancel_open()
        job = ParseJob(paths, options=self.map_options, online=self.online, parse=self.parse, parent=self)
        self.stream.watch(job)
        job.progressed.connect(self._on_progress)
        self.first_run.watch(job)  # status lines: the index is being built (the sample's map meanwhile)
        job.succeeded.connect(lambda result, job=job: self._on_parsed(job, result))
        job.failed.connect(lambda message, job=job: self._on_parse_failed(job, message))
        self._running.add(job)
        job.finished.connect(lambda job=job: self._running.discard(job))
        job.finished.connect(job.deleteLater)
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText(f"Reading {job.paths[0].name}…")
        job.start()

    def cancel_open(self) -> None:
        """Stop waiting for the current open; the map stays as it was."""
        job, self.job = self.job, None
        if job is None:
            return
        job.cancel()
        self._end_progress()
        self._update_chrome()

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if name:
            self.status_label.setText(f"Reading {name} ({done + 1} of {total})…")

    def _end_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def _on_parsed(self, job: ParseJob, result: ParseResult) -> None:
        if job is not self.job:
            return  # cancelled or superseded
        self.job = None
        self._end_progress()
        self.online_notice = result.notice
        try:
            lesson, lesson_path = read_lesson(job.paths)
        except GazetteError as err:
            self._update_chrome()
            self.show_error(str(err))
            return
        if lesson is not None and lesson.basemap != self.basemap:
            self.basemap = lesson.basemap
            self.basemap_menu.chosen(lesson.basemap)
        page = result.page if result.options == self.map_options and lesson is None else None
        if self._apply(self.session.opened(job.paths, result.docs, lesson=lesson, lesson_path=lesson_path), page=page):
            self.file_sources.opened(job.paths)
        if result.unreadable:  # the rest is open (on screen behind the dialog)
            self.show_unreadable(result.unreadable)

    def _on_parse_failed(self, job: ParseJob, message: str) -> None:
        if job is not self.job:
            return
        self.job = None
        self._end_progress()
        self._update_chrome()
        self.show_error(message)

    def undo(self) -> None:
        """Undo the last Open or correction: show what was shown before it."""
        change = self.session.undone()
        if change is not None:
            self.cancel_open()
            self._apply(change)

    def redo(self) -> None:
        change = self.session.redone()
        if change is not None:
            self.cancel_open()
            self._apply(change)

    def search_reading(self, place_id: str) -> PlaceSearchDialog | None:
        """Another reading from the gazetteer (window-modal, not blocking); OK makes the correction."""
        if place_id not in self.session.groups:
            return None
        dialog = PlaceSearchDialog(self.session.groups[place_id], online=self.online, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: (c := dialog.correction()) is not None and self.correct(c))
        dialog.open()
        return dialog

    def move_place(self, place_id: str, lat: float, lon: float) -> bool:
        """A marker dragged to (lat, lon): a correction written into the lesson."""
        change = self.session.moved(place_id, lat=lat, lon=lon)
        return change is not None and self._apply(change)

    def edit_lesson(self, lesson, *, label: str) -> None:
        """A lesson edit that leaves the map as it is (the tour): one undo step, no new page."""
        self.session.commit(self.session.lesson_changed(lesson, label=label))
        self._update_chrome()

    def adopt_saved_lesson(self, path: Path, lesson) -> None:
        self.session.saved_as(path, lesson)
        self._update_chrome()

    def correct(self, correction: Correction) -> bool:
        """Apply a correction to the shown articles (Edit › Undo takes it back); rebuilds the map."""
        change = self.session.corrected(correction)
        return change is not None and self._apply(change)

    def _apply(self, change: Change, *, page: str | None = None) -> bool:
        """Build the page for ``change`` (unless given) and show it; on failure keep the current state."""
        if page is None:
            from viewer.mapbuilder import map_page

            try:
                page = map_page(change.shown.docs, basemap=self.basemap, connections=self.connections, lesson=change.shown.lesson)
            except GazetteError as err:
                self._update_chrome()
                self.show_error(str(err))
                return False
        self.session.commit(change)
        # The page first: its renderer builds the map while the list and excerpts are filled here.
        self.stream.show(page, known_ids=self.session.groups, basemap=self.basemap)
        self.side_panel.fill(self.session.groups.values(), docs=self.session.docs, titles=self.session.titles())
        self._update_chrome()
        self.stateChanged.emit()
        if change.select:
            self.places.select_place(change.select)
        return True

    def set_basemap(self, name: str) -> None:
        """Switch the basemap and redraw (the choice is kept even with no article, and remembered)."""
        previous, fell_back_from, self.basemap = self.basemap, self.basemap_menu.fell_back_from, name
        self.basemap_menu.chosen(name)  # tiles that failed are tried again
        if self.job is not None:
            self.job.set_options(self.map_options)
        if self.session.docs and not self._apply(self.session.redrawn()):
            self.basemap = previous
            self.basemap_menu.check(previous)
            self.basemap_menu.fell_back_from = fell_back_from
        self.remembered.set_basemap(self.basemap)

    def set_connections(self, on: bool) -> None:
        self.connections = on
        if self.connections_action.isChecked() != on:
            self.connections_action.setChecked(on)
        if self.job is not None:
            self.job.set_options(self.map_options)
        if self.session.docs:
            self._apply(self.session.redrawn())

    # ------------------------------------------------------------------ list, excerpts, map

    def _on_selection(self, ids: list[str]) -> None:
        self.side_panel.show_places([self.session.groups[pid] for pid in ids], titles=self.session.titles())

    def _on_place_clicked(self, place_id: str) -> None:
        self.places.select_place(place_id, focus=False)  # the map already shows it: don't fly back

    def _on_basemap_fallback(self, basemap: str, reason: str) -> None:
        self.basemap_menu.fell_back(basemap, reason)  # the window takes the offline map on screen as its own
        self._update_chrome()

    # ------------------------------------------------------------------ chrome

    def _update_chrome(self) -> None:
        notices = [n for n in (self.session.notice, self.basemap_menu.notice, self.online_notice) if n]
        self.status_label.setText(" · ".join([self.session.summary(), *notices]))
        self.setWindowTitle(plain_title(self.lesson_file.window_title()) + " [*]")
        self.setWindowModified(self.session.modified)
        self.lesson_file.update()
        for action in self.export_actions.values():
            action.setEnabled(bool(self.session.docs))
        label = self.session.undo_label
        self.undo_action.setEnabled(label is not None)
        self.undo_action.setText(f"&Undo {label}" if label else "&Undo")

    def show_error(self, message: str) -> None:
        dialogs.warning(self, "Gazette", message)

    def show_unreadable(self, summary: str) -> None:
        """One dialog for the files of an open that could not be read (the others are shown)."""
        dialogs.warning(self, "Gazette", f"{summary}\n\nThe other files are open.")

    # ------------------------------------------------------------------ files

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        event.acceptProposedAction() if self.clipper.accepts(event.mimeData()) else event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        if self.clipper.take(event.mimeData()):  # files, folders, a link or text (viewer.paste)
            event.acceptProposedAction()

    def map_size(self) -> tuple[int, int]:
        return self.map_view.width(), self.map_view.height()

    def export_to(self, path: Path, *, fmt: str, size: tuple[int, int] | None = None) -> bool:
        """Export the current articles (see :meth:`viewer.exportmenu.ExportMenu.export_to`)."""
        return self.exporter.export_to(path, fmt=fmt, size=size)

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.lesson_file.confirm_close():
            event.ignore()
            return
        self.cancel_open()
        super().closeEvent(event)

    def dispose(self) -> None:
        """Tear down in the order QtWebEngine needs: the page before its profile."""
        self.cancel_open()
        for job in list(self._running):
            job.cancel()
            job.wait(15000)  # a child process is killed at once; an in-thread parse must finish
        self._running.clear()
        self.clipper.wait()
        self.first_run.wait()
        if self.parse is None:
            stop_spare_child()
        self.map_view.dispose()
