"""The side panel: places filters, the article list, the places table, "Zoom to all", excerpts and reading.

The window assembles it and fills it after each new page; the filters narrow the table, and
choosing an article also shows only its places on the map (``gazette.setArticleShown`` through
the bridge).  "Zoom to all" fits the map to the places it shows (``gazette.fitShown``).
"""

from __future__ import annotations

__all__ = ["ALL_ARTICLES", "SidePanel"]

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from places.model import GeoparsedArticle, PlaceMentions
from viewer.excerpts import ExcerptView
from viewer.placeslist import PlacesList
from viewer.reading import ReadingView

ALL_ARTICLES = "All articles"
ANY_COUNTRY = "Any country"
ANY_KIND = "Any kind"
ARTICLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SidePanel(QSplitter):
    """Filters and places table above, excerpts and the reading view (tabs) below."""

    articleChosen = Signal(str)
    """The article whose places alone are shown ("" for all of them)."""
    zoomRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.places = PlacesList()
        self.excerpts = ExcerptView()
        self.reading = ReadingView()
        self.reading.placeChosen.connect(self.places.select_place)
        self.search = QLineEdit(placeholderText="Filter places by name…", clearButtonEnabled=True)
        self.search.textChanged.connect(lambda text: self.places.proxy.set_rule(text=text.strip()))
        self.country = QComboBox()
        self.country.currentIndexChanged.connect(lambda _i: self.places.proxy.set_rule(country=self.country.currentData() or ""))
        self.kind = QComboBox()
        self.kind.currentIndexChanged.connect(lambda _i: self.places.proxy.set_rule(kind=self.kind.currentData() or ""))
        self.articles = QListWidget()
        self.articles.setMaximumHeight(96)
        self.articles.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.articles.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.articles.setUniformItemSizes(True)
        self.articles.itemClicked.connect(lambda item: self.choose_article(item.data(ARTICLE_ID_ROLE)))
        self.zoom_button = QPushButton("Zoom to all")
        self.zoom_button.setToolTip("Fit the map to every place it shows")
        self.zoom_button.clicked.connect(self.zoomRequested)
        self.article_id = ""
        self._titles: dict[str, str] = {}
        self._map = None
        self._map_article = ""  # the article the map shows alone ("" all)

        top = QWidget()
        layout = QVBoxLayout(top)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(self.search, 2)
        row.addWidget(self.country, 1)
        row.addWidget(self.kind, 1)
        layout.addLayout(row)
        layout.addWidget(self.articles)
        layout.addWidget(self.places, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.zoom_button)
        layout.addLayout(buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.excerpts, "Excerpts")
        self.tabs.addTab(self.reading, "Article")
        self.addWidget(top)
        self.addWidget(self.tabs)
        self.setSizes([480, 320])
        self.fill((), docs=(), titles={})

    def attach_map(self, map_view) -> None:
        """Let the article choice and "Zoom to all" drive ``map_view`` (a :class:`viewer.mapview.MapView`)."""
        self._map = map_view
        self.articleChosen.connect(lambda _id: self._show_on_map())
        map_view.ready.connect(self._on_new_page)
        self.zoomRequested.connect(lambda: map_view.call("fitShown"))

    def fill(self, groups: Iterable[PlaceMentions], *, docs: Sequence[GeoparsedArticle], titles: Mapping[str, str]) -> None:
        """Show a new set of places; filters that still apply are kept."""
        self._titles = dict(titles)
        self.places.fill(groups, titles=titles)
        self.excerpts.clear()
        self.reading.set_docs(docs)
        _refill(self.country, ANY_COUNTRY, [(c, c) for c in self.places.countries()])
        _refill(self.kind, ANY_KIND, [(k.capitalize(), k) for k in self.places.kinds()])
        self.articles.clear()
        for article_id, title in [("", ALL_ARTICLES), *self._titles.items()]:
            item = QListWidgetItem(title or article_id)
            item.setData(ARTICLE_ID_ROLE, article_id)
            item.setToolTip(title)
            self.articles.addItem(item)
        self.articles.setVisible(len(self._titles) > 1)
        self.choose_article(self.article_id if self.article_id in self._titles else "")

    def choose_article(self, article_id: str) -> None:
        """Show only the places of ``article_id`` (all for ""), in the table and on the map; read it below."""
        self.article_id = article_id if article_id in self._titles else ""
        self.places.proxy.set_rule(article=self.article_id)
        for row in range(self.articles.count()):
            item = self.articles.item(row)
            if item.data(ARTICLE_ID_ROLE) == self.article_id:
                self.articles.setCurrentItem(item)
        if self.article_id:
            self.reading.show_article(self.article_id)
        self.articleChosen.emit(self.article_id)

    def show_places(self, groups: Sequence[PlaceMentions], *, titles: Mapping[str, str]) -> None:
        """The selected places: their excerpts, and marked in the reading view."""
        self.excerpts.show_places(groups, titles=titles)
        self.reading.show_places([g.place.id for g in groups])

    def _on_new_page(self) -> None:
        self._map_article = ""  # a new page shows every article: re-apply the choice
        self._show_on_map()

    def _show_on_map(self) -> None:
        if self._map is None or len(self._titles) < 2 or self._map_article == self.article_id:
            return
        for article_id in self._titles:
            self._map.call("setArticleShown", article_id, not self.article_id or article_id == self.article_id)
        self._map_article = self.article_id


def _refill(combo: QComboBox, anything: str, entries: list[tuple[str, str]]) -> None:
    """Refill a filter's choices, keeping the current one when it is still there."""
    current = combo.currentData() or ""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(anything, "")
    for label, value in entries:
        combo.addItem(label, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(0, index))
    combo.blockSignals(False)
    if index < 0 and current:
        combo.currentIndexChanged.emit(0)
