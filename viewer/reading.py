"""The reading view: a whole article with every place it names highlighted; a click selects the place.

:func:`reading_html` builds escaped HTML without Qt (each mention a link ``gazette-place:N``);
:class:`ReadingView` shows one article of those open and emits :attr:`ReadingView.placeChosen`.
The excerpt view stays the short form.
"""

from __future__ import annotations

__all__ = ["PLACE_SCHEME", "ReadingView", "reading_html"]

import html
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from places.model import GeoparsedArticle, Mention
from viewer.excerpts import LinkedTextView

PLACE_SCHEME = "gazette-place"
PLACEHOLDER = "Open an article to read it here with its places marked."
MARK = "background-color:#ffe58a;color:#1a1a1a;text-decoration:none;font-weight:bold"
MARK_SELECTED = "background-color:#f0a830;color:#000;text-decoration:none;font-weight:bold"


def reading_html(doc: GeoparsedArticle, *, selected: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """(escaped HTML of the article with each mention a link, the place id of each link by number).

    Mentions of the ``selected`` places are marked more strongly; overlapping mentions keep the first.
    """
    text = doc.article.text
    ids: list[str] = []
    first_line = text.lstrip("\n").split("\n", 1)[0].strip()
    parts = [] if first_line == doc.article.title else [f"<h2>{html.escape(doc.article.title)}</h2>"]
    meta = " · ".join(x for x in (doc.article.site_name, doc.article.published, doc.article.author) if x)
    if meta:
        parts.append(f"<p style='color:#666'>{html.escape(meta)}</p>")
    body: list[str] = []
    at = 0
    for mention in _in_order(doc.mentions, len(text)):
        body.append(_escape(text[at : mention.start]))
        style = MARK_SELECTED if mention.place.id in selected else MARK
        tip = html.escape(f"{mention.place.name} ({mention.place.kind.value}{', ' + mention.place.country_name if mention.place.country_name else ''})")
        body.append(
            f"<a href='{PLACE_SCHEME}:{len(ids)}' title='{tip}' style='{style}'>{_escape(text[mention.start : mention.end])}</a>"
        )
        ids.append(mention.place.id)
        at = mention.end
    body.append(_escape(text[at:]))
    paragraphs = "".join(body).split("\n\n")
    parts.extend(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())
    return "".join(parts), ids


def _in_order(mentions: Sequence[Mention], length: int) -> list[Mention]:
    out: list[Mention] = []
    end = 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.start >= end and 0 <= mention.start < mention.end <= length:
            out.append(mention)
            end = mention.end
    return out


def _link_ids(doc: GeoparsedArticle) -> list[str]:
    return [m.place.id for m in _in_order(doc.mentions, len(doc.article.text))]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


class ReadingView(LinkedTextView):
    """One article at a time, read whole; :meth:`show_article` picks it, a click on a name selects the place."""

    placeChosen = Signal(str)
    """The place of the name the person clicked."""

    link_scheme = PLACE_SCHEME

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PLACEHOLDER, parent)
        self.docs: dict[str, GeoparsedArticle] = {}
        self.article_id = ""
        self.link_ids: list[str] = []
        self._selected: frozenset[str] = frozenset()
        self._drawn = True

    def set_docs(self, docs: Sequence[GeoparsedArticle]) -> None:
        """The articles that can be read; the one shown stays if it is still among them."""
        self.docs = {d.article.id: d for d in docs}
        keep = self.article_id if self.article_id in self.docs else next(iter(self.docs), "")
        self._selected = frozenset()
        self.show_article(keep)

    def show_article(self, article_id: str) -> None:
        """Show this article (drawn now if the view is visible, else when it is next shown)."""
        doc = self.docs.get(article_id)
        self.article_id = article_id if doc is not None else ""
        self.link_ids = _link_ids(doc) if doc is not None else []
        self._drawn = False
        if self.isVisible():
            self._draw()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._drawn:
            self._draw()

    def _draw(self) -> None:
        self._drawn = True
        doc = self.docs.get(self.article_id)
        if doc is None:
            self.clear()
            return
        page, self.link_ids = reading_html(doc, selected=self._selected)
        self.setHtml(page)
        if self._selected:
            first = next((k for k, pid in enumerate(self.link_ids) if pid in self._selected), None)
            if first is not None:
                self._scroll_to_link(first)

    def show_places(self, place_ids: Sequence[str]) -> None:
        """Mark the selected places; show the article that names the first one if this one does not."""
        self._selected = frozenset(place_ids)
        article_id = self.article_id
        if place_ids and place_ids[0] not in self.link_ids:
            article_id = next((i for i, d in self.docs.items() if any(m.place.id == place_ids[0] for m in d.mentions)), article_id)
        self.show_article(article_id)

    def _scroll_to_link(self, number: int) -> None:
        target = f"{PLACE_SCHEME}:{number}"
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.isValid() and fragment.charFormat().anchorHref() == target:
                    cursor = self.textCursor()
                    cursor.setPosition(fragment.position())
                    self.setTextCursor(cursor)
                    self.ensureCursorVisible()
                    return
                it += 1
            block = block.next()

    def mention_names(self) -> list[tuple[str, str]]:
        """(the text of each highlighted name, its place id), in reading order (what a person sees)."""
        out: list[tuple[str, str]] = []
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                href = fragment.charFormat().anchorHref() if fragment.isValid() else ""
                if href.startswith(f"{PLACE_SCHEME}:"):
                    out.append((fragment.text(), self.link_ids[int(href.partition(":")[2])]))
                it += 1
            block = block.next()
        return out

    def _link_targets(self) -> Sequence[str]:
        return self.link_ids

    def _follow(self, target: str) -> None:
        self.placeChosen.emit(target)
