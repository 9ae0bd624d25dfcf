"""The places list: a sortable, filterable table of the places shown, its selection and its context menu.

Rows can be filtered (:class:`PlaceFilter`) by a piece of the name, a country, a kind and an
article; the Article column names the article(s) each place is in.
"""

from __future__ import annotations

__all__ = [
    "ARTICLES_ROLE", "COL_ARTICLE", "COL_COUNTRY", "COL_KIND", "COL_MENTIONS", "COL_NAME", "PLACE_ID_ROLE", "SORT_ROLE",
    "PlaceFilter", "PlacesList",
]  # fmt: skip

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QCursor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from places.model import PlaceMentions
from viewer.corrections import Correction, corrections_for, min_confidence, place_label

COL_NAME, COL_KIND, COL_COUNTRY, COL_MENTIONS, COL_ARTICLE = range(5)
PLACE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
ARTICLES_ROLE = Qt.ItemDataRole.UserRole + 3  # the ids of the articles naming the place, in order
HEADERS = ("Place", "Kind", "Country", "Mentions", "Article")


@dataclass(frozen=True, slots=True)
class RowFilter:
    """What the rows shown must match ("" matches all)."""

    text: str = ""  # a piece of the place's name (case-insensitive)
    country: str = ""  # the country as the Country column shows it
    kind: str = ""  # a Kind value
    article: str = ""  # an article id


class PlaceFilter(QSortFilterProxyModel):
    """The table's sort and filter: rows whose place matches every part of :class:`RowFilter`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule = RowFilter()

    def set_rule(self, **parts: str) -> None:
        self.beginFilterChange()
        self.rule = replace(self.rule, **parts)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        model, rule = self.sourceModel(), self.rule
        name = model.index(row, COL_NAME, parent)
        if rule.text and rule.text.casefold() not in str(name.data()).casefold():
            return False
        if rule.country and model.index(row, COL_COUNTRY, parent).data() != rule.country:
            return False
        if rule.kind and model.index(row, COL_KIND, parent).data(SORT_ROLE) != rule.kind:
            return False
        return not rule.article or rule.article in (name.data(ARTICLES_ROLE) or ())


class PlacesList(QTableView):
    """One row per place; most mentioned first. Selecting rows emits :attr:`selectedPlaces`."""

    selectedPlaces = Signal(list)
    """The selected place ids, and (second signal) the row the person made current."""
    focusRequested = Signal(str)
    """The person made this place current in the list (the map should fly there)."""
    correctionChosen = Signal(object)
    searchRequested = Signal(str)
    """"Search the gazetteer…" for the place with this id."""
    """A :class:`~viewer.corrections.Correction` picked from the context menu."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = QStandardItemModel(0, len(HEADERS), self)
        self.items.setHorizontalHeaderLabels(list(HEADERS))
        self.proxy = PlaceFilter(self)
        self.proxy.setSourceModel(self.items)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)  # no gap at the right, ever
        header.setSectionResizeMode(COL_ARTICLE, QHeaderView.ResizeMode.Stretch)  # and titles share the room
        self.setWordWrap(False)
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self._groups: dict[str, PlaceMentions] = {}
        self._quiet = False

    def fill(self, groups: Iterable[PlaceMentions], *, titles: Mapping[str, str] | None = None) -> None:
        """Show ``groups``; ``titles`` (article id -> title) name the articles in the Article column."""
        self._groups = {g.place.id: g for g in groups}
        self.setSortingEnabled(False)
        self.proxy.sort(-1)  # the model's order while filling, not a dynamic insertion sort
        self.items.removeRows(0, self.items.rowCount())
        for group in self._groups.values():
            self.items.appendRow(_row(group, titles or {}))
        # Qt sorts stably: by name first so that places with as many mentions always read A-Z
        # (the same articles give the same list, e.g. after Undo).
        self.proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.horizontalHeader().setSortIndicator(COL_MENTIONS, Qt.SortOrder.DescendingOrder)
        self.setSortingEnabled(True)
        self.sortByColumn(COL_MENTIONS, Qt.SortOrder.DescendingOrder)
        for column in (COL_KIND, COL_COUNTRY, COL_MENTIONS):
            self.resizeColumnToContents(column)

    def countries(self) -> list[str]:
        """The countries of the places shown, A-Z, as the Country column writes them."""
        texts = {self.items.index(r, COL_COUNTRY).data() for r in range(self.items.rowCount())}
        return sorted((t for t in texts if t), key=str.casefold)

    def kinds(self) -> list[str]:
        """The kinds of the places shown (Kind values), A-Z."""
        return sorted({self.items.index(r, COL_KIND).data(SORT_ROLE) for r in range(self.items.rowCount())})

    def place_ids(self) -> list[str]:
        """Every place id, in the order the list shows them."""
        return [self.proxy.index(r, COL_NAME).data(PLACE_ID_ROLE) for r in range(self.proxy.rowCount())]

    def selected_place_ids(self) -> list[str]:
        return [index.data(PLACE_ID_ROLE) for index in self.selectionModel().selectedRows(COL_NAME)]

    def row_of(self, place_id: str) -> QModelIndex | None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, COL_NAME)
            if index.data(PLACE_ID_ROLE) == place_id:
                return index
        return None

    def select_place(self, place_id: str, *, focus: bool = True) -> bool:
        """Select one place; with ``focus``, :attr:`focusRequested` follows (the map flies there)."""
        index = self.row_of(place_id)
        if index is None:
            return False
        self._quiet = not focus
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.selectionModel().setCurrentIndex(index, flags)
        finally:
            self._quiet = False
        self.scrollTo(index)
        return True

    def place_menu(self, place_id: str) -> QMenu | None:
        """The context menu for one place: its alternative readings and "Not a place"."""
        group = self._groups.get(place_id)
        if group is None:
            return None
        menu = QMenu(self)
        names = ", ".join(dict.fromkeys(f"“{m.text}”" for m in group.mentions))
        heading = menu.addAction(f"{names} read as {place_label(group.place)} ({min_confidence(group):.0%})")
        heading.setEnabled(False)
        corrections = corrections_for(group)
        if len(corrections) > 1:
            menu.addSection("Did you mean")
        for correction in corrections:
            if correction.removes:
                menu.addSeparator()
            if correction.removes:
                search = menu.addAction("Search the gazetteer…")
                search.triggered.connect(lambda _checked=False: self.searchRequested.emit(place_id))
            to = correction.to
            action = menu.addAction(correction.label + (f" · pop. {to.population:,}" if to is not None and to.population else ""))
            action.setData(to.id if to is not None else "")
            action.triggered.connect(lambda _checked=False, c=correction: self._choose(c))
        return menu

    def popup_menu(self, place_id: str) -> QMenu | None:
        """The place's context menu at the mouse (a right-click on the map)."""
        menu = self.place_menu(place_id)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(QCursor.pos())
        return menu

    def _choose(self, correction: Correction) -> None:
        self.correctionChosen.emit(correction)

    def _on_selection_changed(self, *_args: object) -> None:
        ids = [pid for pid in self.selected_place_ids() if pid in self._groups]
        self.selectedPlaces.emit(ids)
        current = self.currentIndex()
        focus = current.data(PLACE_ID_ROLE) if current.isValid() else None
        if not self._quiet and focus in ids:
            self.focusRequested.emit(focus)

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        menu = self.place_menu(index.data(PLACE_ID_ROLE)) if index.isValid() else None
        if menu is None:
            return
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.viewport().mapToGlobal(pos))


def _row(group: PlaceMentions, titles: Mapping[str, str]) -> list[QStandardItem]:
    place = group.place
    country = place.country_name or place.country
    articles = tuple(dict.fromkeys(m.article_id for m in group.mentions))
    named = titles.get(articles[0], articles[0]) if articles else ""
    article = named + (f" +{len(articles) - 1}" if len(articles) > 1 else "")
    cells = [
        (place.name, place.name.casefold()),
        (place.kind.value.capitalize(), place.kind.value),
        (country, country.casefold()),
        (str(group.count) if group.named else f"{len(group.associative)} associative", group.count),
        (article, article.casefold()),
    ]
    involved = "\n".join(n.label for n in group.associative_names)  # demonyms: "Russian — 5 associative mentions"
    row = []
    for text, key in cells:
        item = QStandardItem(text)
        item.setData(key, SORT_ROLE)
        item.setData(place.id, PLACE_ID_ROLE)
        item.setToolTip(f"{text}\n{involved}" if involved else text)
        if not group.named:  # a country only involved through demonyms: shaded on the map, never pinned
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        row.append(item)
    row[COL_NAME].setData(articles, ARTICLES_ROLE)
    row[COL_ARTICLE].setToolTip("\n".join(titles.get(a, a) for a in articles))
    row[COL_MENTIONS].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return row
