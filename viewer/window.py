"""The main window: the map (QWebEngineView) beside a places list and an excerpt view.

Geoparsing runs in :class:`viewer.worker.ParseJob`; the map page is rebuilt from the parsed
articles and served at ``gazette://app/map.html``.  The page and the window talk only through
:class:`viewer.bridge.Bridge`.  A failed open or a cancelled one leaves the previous state.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QItemSelectionModel,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QWidget,
)

from places.errors import GazetteError, SaveError
from places.model import GeoparsedArticle, PlaceMentions, group_by_place
from viewer.bridge import Bridge
from viewer.imagesize import ImageSizeDialog
from viewer.panels import LOW_CONFIDENCE, Correction, corrections_for, describe, key_of, min_confidence, place_label
from viewer.webengine import WebEngine, tile_origins
from viewer.worker import ParseJob, ParseOne, ProcessParse, prestart_child, stop_spare_child

log = logging.getLogger(__name__)

BASEMAP_LABELS: tuple[tuple[str, str], ...] = (
    ("offline", "Offline"),
    ("osm", "OpenStreetMap"),
    ("positron", "CARTO Positron"),
    ("imagery", "Esri imagery"),
)
EXPORT_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("html", "HTML…", "Web page (*.html)"),
    ("geojson", "GeoJSON…", "GeoJSON (*.geojson)"),
    ("kml", "KML…", "KML (*.kml)"),
    ("csv", "CSV…", "CSV (*.csv)"),
    ("png", "Image…", "PNG image (*.png)"),
)
FALLBACK_NOTICE = "Tiles unavailable: showing the offline basemap"
OPEN_FILTER = "Articles (*.txt *.md *.markdown *.html *.htm);;All files (*)"
COL_NAME, COL_KIND, COL_COUNTRY, COL_MENTIONS = range(4)
PLACE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
CORRECT_SCHEME = "gazette-correct"  # links of the "Did you mean…" line in the excerpt panel


@dataclass(frozen=True, slots=True)
class Shown:
    """What the window shows: the files and their geoparse (kept for Undo)."""

    paths: tuple[Path, ...]
    docs: tuple[GeoparsedArticle, ...]


@dataclass(frozen=True, slots=True)
class UndoStep:
    """One entry of the window's single undo stack: what was shown before ``label`` happened."""

    label: str  # "Open" or "Correction", for the Edit menu
    shown: Shown
    select: str | None = None  # the place to select again after undoing


def plain_title(text: str) -> str:
    """A window title shown literally (Qt treats ``[*]`` as the modified-marker placeholder)."""
    return text.replace("[*]", "[*][*]")


def excerpt_html(
    group: PlaceMentions, *, titles: dict[str, str], suggestions: Sequence[tuple[str, str]] = ()
) -> str:
    """Escaped HTML of every excerpt mentioning a place, the mention highlighted.

    ``suggestions`` are (href, label) pairs of a "Did you mean…" line under the heading.
    """
    place = group.place
    where = ", ".join(x for x in (place.kind.value, place.country_name) if x)
    parts = [f"<h3>{html.escape(place.name)}</h3><p style='color:#666'>{html.escape(where)}"
             f" · {group.count} mention{'s' if group.count != 1 else ''}</p>"]
    if suggestions:
        links = " · ".join(f"<a href='{html.escape(href)}'>{html.escape(label)}</a>" for href, label in suggestions)
        parts.append(
            f"<p style='background:#fff4e0;padding:4px'>Low confidence ({min_confidence(group):.0%})."
            f" Did you mean: {links}?</p>"
        )
    for mention in group.mentions:
        text = mention.excerpt
        start = max(0, min(len(text), mention.start_in_excerpt))
        end = max(start, min(len(text), mention.end_in_excerpt))
        body = (
            html.escape(text[:start])
            + "<span style='background-color:#ffe58a;font-weight:bold'>"
            + html.escape(text[start:end])
            + "</span>"
            + html.escape(text[end:])
        )
        source = titles.get(mention.article_id, "")
        caption = f"<div style='color:#666;font-size:small'>{html.escape(source)}</div>" if len(titles) > 1 else ""
        parts.append(f"<p>{body}</p>{caption}")
    return "".join(parts)


def distance_html(a: PlaceMentions, b: PlaceMentions) -> str:
    from geopy.distance import geodesic

    km = geodesic((a.place.lat, a.place.lon), (b.place.lat, b.place.lon)).km
    return (
        f"<p style='background:#eef4fa;padding:4px'>Distance from {html.escape(a.place.name)} to "
        f"{html.escape(b.place.name)}: <b>{km:,.0f} km</b> ({km / 1.852:,.0f} nautical miles), great circle.</p>"
    )


class MainWindow(QMainWindow):
    """Map + places panel + excerpt view; menus for opening, exporting and the basemap."""

    stateChanged = Signal()
    """A new set of articles is shown (after Open, Undo or a rebuild)."""
    mapReady = Signal()
    """The current map page finished building and the bridge handshake is done."""

    def __init__(
        self,
        *,
        basemap: str = "offline",
        connections: bool = False,
        online: bool = False,
        parse_one: ParseOne | None = None,
    ) -> None:
        super().__init__()
        self.basemap = basemap
        self.connections = connections
        self.online = online
        self._parse_one = parse_one  # None: parse in a child process (see viewer.worker)
        if parse_one is None:
            prestart_child()
        self._shown = Shown((), ())
        self._history: list[UndoStep] = []  # one stack for Open and corrections
        self._notice = ""  # what the last correction did, shown in the status bar
        self._suggested: list[Correction] = []  # the "Did you mean…" links now in the excerpt panel
        self._groups: dict[str, PlaceMentions] = {}
        self._job: ParseJob | None = None
        self._running: set[ParseJob] = set()  # including cancelled jobs still winding down
        self._page_serial = 0
        self._syncing_selection = False
        self._load_started = 0.0
        self.last_map_seconds: float | None = None

        self.engine = WebEngine(parent=self)
        self.view = QWebEngineView()
        self.view.setAcceptDrops(False)  # drops go to the window, which opens the files
        self.page = self.engine.new_page(self.view)
        self.view.setPage(self.page)
        self.bridge = Bridge(self._run_js, parent=self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.bridge.ready.connect(self._on_map_ready)
        self.bridge.placeClicked.connect(self._on_place_clicked)
        self.bridge.basemapFallback.connect(self._on_basemap_fallback)

        self.places_model = QStandardItemModel(0, 4, self)
        self.places_model.setHorizontalHeaderLabels(["Place", "Kind", "Country", "Mentions"])
        self.places_proxy = QSortFilterProxyModel(self)
        self.places_proxy.setSourceModel(self.places_model)
        self.places_proxy.setSortRole(SORT_ROLE)
        self.places_proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.places_view = QTableView()
        self.places_view.setModel(self.places_proxy)
        self.places_view.setSortingEnabled(True)
        self.places_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.places_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.places_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.places_view.verticalHeader().hide()
        header = self.places_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)  # no gap at the right, ever
        self.places_view.setWordWrap(False)
        self.places_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.places_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.places_view.customContextMenuRequested.connect(self._on_places_context_menu)

        self.excerpts = QTextBrowser()
        self.excerpts.setOpenLinks(False)
        self.excerpts.setOpenExternalLinks(False)
        self.excerpts.anchorClicked.connect(self._on_excerpt_link)
        self.excerpts.setPlaceholderText("Select a place in the list or click it on the map to read its excerpts.")

        panel = QSplitter(Qt.Orientation.Vertical)
        panel.addWidget(self.places_view)
        panel.addWidget(self.excerpts)
        panel.setSizes([320, 400])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 420])
        self.setCentralWidget(splitter)

        self.status_label = QLabel("No article open")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_open)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

        self._build_menus()
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._update_title()

    # ------------------------------------------------------------------ menus

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = file_menu.addAction("&Open…", QKeySequence.StandardKey.Open, self.open_dialog)
        export_menu = file_menu.addMenu("&Export")
        self.export_actions: dict[str, QAction] = {}
        for fmt, label, _ in EXPORT_FORMATS:
            action = export_menu.addAction(label, lambda fmt=fmt: self.export_dialog(fmt))
            self.export_actions[fmt] = action
        self.export_actions["html"].setShortcut(QKeySequence("Ctrl+E"))
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = edit_menu.addAction("&Undo", QKeySequence.StandardKey.Undo, self.undo)
        self.undo_action.setEnabled(False)

        view_menu = self.menuBar().addMenu("&View")
        basemap_menu = view_menu.addMenu("&Basemap")
        self.basemap_group = QActionGroup(self)
        self.basemap_actions: dict[str, QAction] = {}
        for name, label in BASEMAP_LABELS:
            action = basemap_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(name == self.basemap)
            action.triggered.connect(lambda checked, name=name: self.set_basemap(name))
            self.basemap_group.addAction(action)
            self.basemap_actions[name] = action
        self.connections_action = view_menu.addAction("&Connections")
        self.connections_action.setCheckable(True)
        self.connections_action.setChecked(self.connections)
        self.connections_action.toggled.connect(self.set_connections)
        self._update_actions()

    def _update_actions(self) -> None:
        has_docs = bool(self._shown.docs)
        for action in self.export_actions.values():
            action.setEnabled(has_docs)
        self.undo_action.setEnabled(bool(self._history))
        self.undo_action.setText(f"&Undo {self._history[-1].label}" if self._history else "&Undo")

    # ------------------------------------------------------------------ state

    @property
    def docs(self) -> tuple[GeoparsedArticle, ...]:
        return self._shown.docs

    @property
    def paths(self) -> tuple[Path, ...]:
        return self._shown.paths

    @property
    def busy(self) -> bool:
        return self._job is not None

    def open_paths(self, paths: Sequence[str | Path]) -> None:
        """Geoparse ``paths`` in the background and show them; errors keep the current state."""
        paths = tuple(Path(p) for p in paths)
        if not paths:
            return
        self.cancel_open()
        basemap, connections = self.basemap, self.connections
        if self._parse_one is None:
            process = ProcessParse(online=self.online, basemap=basemap, connections=connections)
            job = ParseJob(paths, process=process, parent=self)
        else:
            job = ParseJob(
                paths,
                parse_one=self._parse_one,
                render=lambda docs: self._render(docs, basemap=basemap, connections=connections),
                parent=self,
            )
        job.setProperty("view_options", f"{basemap}\n{connections}")
        job.progressed.connect(self._on_progress)
        job.statusChanged.connect(self.status_label.setText)
        job.succeeded.connect(lambda result, job=job: self._on_parsed(job, *result))
        job.failed.connect(lambda message, job=job: self._on_parse_failed(job, message))
        self._running.add(job)
        job.finished.connect(lambda job=job: self._running.discard(job))
        job.finished.connect(job.deleteLater)
        self._job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText(f"Reading {paths[0].name}…")
        job.start()

    def cancel_open(self) -> None:
        """Stop waiting for the current open; the map stays as it was."""
        job, self._job = self._job, None
        if job is None:
            return
        job.cancel()
        self._end_progress()
        self._show_summary()

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if name:
            self.status_label.setText(f"Reading {name} ({done + 1} of {total})…")

    def _end_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def _on_parsed(self, job: ParseJob, docs: tuple[GeoparsedArticle, ...], page: str) -> None:
        if job is not self._job:
            return  # cancelled or superseded
        self._job = None
        self._end_progress()
        previous = self._shown
        if job.property("view_options") != f"{self.basemap}\n{self.connections}":
            page = ""  # the view options changed while parsing: render again
        if self._show(Shown(job.paths, docs), page=page or None) and previous.paths:
            self._history.append(UndoStep("Open", previous))
        self._update_actions()

    def _on_parse_failed(self, job: ParseJob, message: str) -> None:
        if job is not self._job:
            return
        self._job = None
        self._end_progress()
        self._show_summary()
        self.show_error(message)

    def undo(self) -> None:
        """Undo the last Open or correction: show what was shown before it."""
        if not self._history:
            return
        self.cancel_open()
        step = self._history[-1]
        if self._show(step.shown):
            self._history.pop()
            if step.select:
                self.select_place(step.select)
        self._update_actions()

    undo_open = undo  # the name before corrections shared the stack

    def correct(self, correction: Correction) -> bool:
        """Apply a correction to the shown articles (Edit › Undo takes it back); rebuilds the map."""
        from viewer.panels import apply_correction

        previous = self._shown
        changed = sum(
            1
            for doc in previous.docs
            for m in doc.mentions
            if m.place.id == correction.place_id and key_of(m) in correction.keys
        )
        if not changed:
            return False
        shown = Shown(previous.paths, apply_correction(previous.docs, correction))
        if not self._show(shown, notice=describe(correction, mentions=changed)):
            return False
        self._history.append(UndoStep("Correction", previous, select=correction.place_id))
        self._update_actions()
        if correction.to is not None:
            self.select_place(correction.to.id)
        return True

    def _show(self, shown: Shown, *, page: str | None = None, notice: str = "") -> bool:
        """Show ``shown`` (rendering its page unless given); on failure keep the current state."""
        html_page = page
        if html_page is None:
            try:
                html_page = self._render(shown.docs, basemap=self.basemap, connections=self.connections)
            except GazetteError as err:
                self.show_error(str(err))
                return False
        self._shown = shown
        self._notice = notice
        self._groups = {g.place.id: g for g in group_by_place(shown.docs)}
        self._fill_places()
        self._load_page(html_page)
        self._update_title()
        self._show_summary()
        self.stateChanged.emit()
        return True

    @staticmethod
    def _render(docs: Sequence[GeoparsedArticle], *, basemap: str, connections: bool) -> str:
        from viewer.mapbuilder import build_map, render_page

        fmap = build_map(docs, basemap=basemap, connections=connections)
        return render_page(fmap, mode="app")

    def _load_page(self, html_page: str) -> None:
        self.bridge.reset()
        self.bridge.set_known_ids(self._groups)
        self.fallback_notice = ""
        try:
            origins = tile_origins(self.basemap)
        except GazetteError:
            origins = frozenset()
        self.engine.set_online_origins(self.page, origins)
        self._page_serial += 1
        url = self.engine.scheme_handler.set_page(html_page)
        url.setQuery(f"v={self._page_serial}")  # a new navigation even when the HTML is unchanged
        self._load_started = time.perf_counter()
        self.view.setUrl(url)

    def set_basemap(self, name: str) -> None:
        """Switch the basemap and rebuild the page (the choice is kept even with no article)."""
        previous = self.basemap
        self.basemap = name
        if name in self.basemap_actions:
            self.basemap_actions[name].setChecked(True)
        if self._shown.docs and not self._show(self._shown):
            self.basemap = previous
            if previous in self.basemap_actions:
                self.basemap_actions[previous].setChecked(True)

    def set_connections(self, on: bool) -> None:
        self.connections = on
        if self.connections_action.isChecked() != on:
            self.connections_action.setChecked(on)
        if self._shown.docs:
            self._show(self._shown)

    # ------------------------------------------------------------------ panel

    def _fill_places(self) -> None:
        self.places_view.setSortingEnabled(False)
        self.places_proxy.sort(-1)  # the model's order while filling, not a dynamic insertion sort
        self.places_model.removeRows(0, self.places_model.rowCount())
        for group in self._groups.values():
            place = group.place
            cells = [
                (place.name, place.name.casefold()),
                (place.kind.value.capitalize(), place.kind.value),
                (place.country_name or place.country, (place.country_name or place.country).casefold()),
                (str(group.count), group.count),
            ]
            row = []
            for text, key in cells:
                item = QStandardItem(text)
                item.setData(key, SORT_ROLE)
                item.setData(place.id, PLACE_ID_ROLE)
                item.setToolTip(text)
                row.append(item)
            row[COL_MENTIONS].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.places_model.appendRow(row)
        # Qt sorts stably: by name first so that places with as many mentions always read A-Z
        # (the same articles give the same list, e.g. after Undo).
        self.places_proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.places_view.horizontalHeader().setSortIndicator(COL_MENTIONS, Qt.SortOrder.DescendingOrder)
        self.places_view.setSortingEnabled(True)
        self.places_view.sortByColumn(COL_MENTIONS, Qt.SortOrder.DescendingOrder)
        for column in (COL_KIND, COL_COUNTRY, COL_MENTIONS):
            self.places_view.resizeColumnToContents(column)
        self.excerpts.clear()

    def selected_place_ids(self) -> list[str]:
        rows = self.places_view.selectionModel().selectedRows(COL_NAME)
        return [index.data(PLACE_ID_ROLE) for index in rows]

    def _row_of(self, place_id: str):
        for row in range(self.places_proxy.rowCount()):
            index = self.places_proxy.index(row, COL_NAME)
            if index.data(PLACE_ID_ROLE) == place_id:
                return index
        return None

    def select_place(self, place_id: str) -> bool:
        """Select one place in the list (which shows its excerpts and focuses the map)."""
        index = self._row_of(place_id)
        if index is None:
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.places_view.selectionModel().setCurrentIndex(index, flags)
        self.places_view.scrollTo(index)
        return True

    def _on_selection_changed(self, *_args) -> None:
        ids = [pid for pid in self.selected_place_ids() if pid in self._groups]
        self._show_excerpts(ids)
        if self._syncing_selection:
            return
        current = self.places_view.currentIndex()
        focus = current.data(PLACE_ID_ROLE) if current.isValid() else None
        if focus in ids:
            self.bridge.call("focusPlace", focus)

    def _show_excerpts(self, ids: Sequence[str]) -> None:
        groups = [self._groups[pid] for pid in ids]
        titles = {doc.article.id: doc.article.title for doc in self._shown.docs}
        self._suggested = []
        parts = []
        if len(groups) == 2:
            parts.append(distance_html(*groups))
        for group in groups:
            suggestions = []
            if min_confidence(group) < LOW_CONFIDENCE:
                for correction in corrections_for(group):
                    suggestions.append((f"{CORRECT_SCHEME}:{len(self._suggested)}", correction.label))
                    self._suggested.append(correction)
            parts.append(excerpt_html(group, titles=titles, suggestions=suggestions))
        self.excerpts.setHtml("".join(parts))

    def _on_excerpt_link(self, url: QUrl) -> None:
        if url.scheme() != CORRECT_SCHEME:
            return
        try:
            correction = self._suggested[int(url.path())]
        except (ValueError, IndexError):
            return
        self.correct(correction)

    def place_menu(self, place_id: str) -> QMenu | None:
        """The place list's context menu for one place: its alternative readings and "Not a place"."""
        group = self._groups.get(place_id)
        if group is None:
            return None
        menu = QMenu(self.places_view)
        names = ", ".join(dict.fromkeys(f"“{m.text}”" for m in group.mentions))
        heading = menu.addAction(f"{names} read as {place_label(group.place)} ({min_confidence(group):.0%})")
        heading.setEnabled(False)
        corrections = corrections_for(group)
        if len(corrections) > 1:
            menu.addSection("Did you mean")
        for correction in corrections:
            if correction.removes:
                menu.addSeparator()
            action = menu.addAction(correction.label)
            action.setData(correction.to.id if correction.to is not None else "")
            action.triggered.connect(lambda _checked=False, c=correction: self.correct(c))
        return menu

    def _on_places_context_menu(self, pos: QPoint) -> None:
        index = self.places_view.indexAt(pos)
        if not index.isValid():
            return
        menu = self.place_menu(index.data(PLACE_ID_ROLE))
        if menu is None:
            return
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.places_view.viewport().mapToGlobal(pos))

    def excerpt_text(self) -> str:
        return self.excerpts.toPlainText()

    # ------------------------------------------------------------------ bridge

    def _run_js(self, script: str) -> None:
        self.page.runJavaScript(script, 0)

    def _on_map_ready(self) -> None:
        self.last_map_seconds = time.perf_counter() - self._load_started
        self.mapReady.emit()

    def _on_place_clicked(self, place_id: str) -> None:
        self._syncing_selection = True  # the map already shows the place: don't fly back to it
        try:
            self.select_place(place_id)
        finally:
            self._syncing_selection = False

    def _on_basemap_fallback(self, basemap: str, reason: str) -> None:
        self.fallback_notice = FALLBACK_NOTICE
        log.info("basemap %s fell back to offline: %s", basemap, reason)
        self._show_summary()

    # ------------------------------------------------------------------ chrome

    def _show_summary(self) -> None:
        groups = self._groups.values()
        if not self._shown.docs:
            text = "No article open"
        else:
            places = len(self._groups)
            mentions = sum(g.count for g in groups)
            text = f"{places} place{'s' if places != 1 else ''} found in {mentions} mention{'s' if mentions != 1 else ''}"
        notices = [n for n in (self._notice, getattr(self, "fallback_notice", "")) if n]
        self.status_label.setText(" · ".join([text, *notices]))

    def status_text(self) -> str:
        return self.status_label.text()

    def _update_title(self) -> None:
        titles = [doc.article.title or doc.article.id for doc in self._shown.docs]
        if not titles:
            title = "Gazette"
        elif len(titles) <= 2:
            title = f"{' · '.join(titles)} — Gazette"
        else:
            title = f"{titles[0]} and {len(titles) - 1} more — Gazette"
        self.setWindowTitle(plain_title(" ".join(title.split())))

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Gazette", message)

    # ------------------------------------------------------------------ files

    def open_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Open articles", "", OPEN_FILTER)
        if files:
            self.open_paths(files)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def export_dialog(self, fmt: str) -> None:
        if fmt == "png":
            self.image_dialog()
        else:
            self._ask_path_and_export(fmt)

    def image_dialog(self) -> ImageSizeDialog:
        """Ask for the image size (window-modal, not blocking), then for the file."""
        dialog = ImageSizeDialog(self, current=self.map_size())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._ask_path_and_export("png", size=dialog.chosen_size()))
        dialog.open()
        return dialog

    def _ask_path_and_export(self, fmt: str, *, size: tuple[int, int] | None = None) -> None:
        label, pattern = next((lbl, pat) for f, lbl, pat in EXPORT_FORMATS if f == fmt)
        stem = self._shown.paths[0].stem if self._shown.paths else "map"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {label.rstrip('…')}", f"{stem}.{fmt}", pattern)
        if path:
            self.export_to(Path(path), fmt=fmt, size=size)

    def map_size(self) -> tuple[int, int]:
        return self.view.width(), self.view.height()

    def export_to(self, path: Path, *, fmt: str, size: tuple[int, int] | None = None) -> bool:
        """Export the current articles; PNG is the map as shown now, or rendered anew at ``size``.

        Errors become a dialog.
        """
        from PySide6.QtWidgets import QApplication

        try:
            if fmt == "png" and size is None:
                save_widget_png(self.view, path)
            else:
                from viewer.export import export_map

                if size is not None:
                    self.statusBar().showMessage(f"Rendering a {size[0]} × {size[1]} image…")
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    export_map(
                        self._shown.docs, path, fmt=fmt, basemap=self.basemap, connections=self.connections, size=size
                    )
                finally:
                    QApplication.restoreOverrideCursor()
        except GazetteError as err:
            self.statusBar().clearMessage()
            self.show_error(str(err))
            return False
        self.statusBar().showMessage(f"Exported {path.name}", 5000)
        return True

    def closeEvent(self, event) -> None:  # noqa: N802
        self.cancel_open()
        super().closeEvent(event)

    def dispose(self) -> None:
        """Tear down in the order QtWebEngine needs: the page before its profile."""
        import shiboken6

        self.cancel_open()
        for job in list(self._running):
            job.cancel()
            job.wait(15000)  # a child process is killed at once; an in-thread parse must finish
        self._running.clear()
        if self._parse_one is None:
            stop_spare_child()
        if shiboken6.isValid(self.view):
            shiboken6.delete(self.view)  # deletes the page, its child
        if shiboken6.isValid(self.engine):
            shiboken6.delete(self.engine)


def save_widget_png(widget: QWidget, path: Path) -> None:
    """Grab a widget and write it as PNG atomically."""
    from places.storage import atomic_write_bytes

    pixmap = widget.grab()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if pixmap.isNull() or not pixmap.save(buffer, "PNG"):
        raise SaveError(f"Could not render the image for {path.name}.")
    buffer.close()
    atomic_write_bytes(path, bytes(data.data()))


def wait_for(predicate: Callable[[], bool], *, timeout_s: float) -> bool:
    """Spin the event loop until ``predicate()`` or the timeout; for scripts, not for the GUI."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    return True


__all__ = ["MainWindow", "excerpt_html", "plain_title", "save_widget_png", "wait_for"]
