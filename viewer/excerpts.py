"""The excerpt panel: every passage naming the selected places, and the distance between two.

:func:`excerpt_html` and :func:`distance_html` build escaped HTML without Qt;
:class:`ExcerptView` shows it and turns the "Did you mean…" links into corrections.
"""

from __future__ import annotations

__all__ = ["CORRECT_SCHEME", "ExcerptView", "LinkedTextView", "distance_html", "excerpt_html"]

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from places.model import Mention, PlaceMentions
from viewer.corrections import LOW_CONFIDENCE, Correction, corrections_for, min_confidence

CORRECT_SCHEME = "gazette-correct"  # links of the "Did you mean…" line
PLACEHOLDER = "Select a place in the list or click it on the map to read its excerpts."


def excerpt_html(
    group: PlaceMentions, *, titles: Mapping[str, str], suggestions: Sequence[tuple[str, str]] = ()
) -> str:
    """Escaped HTML of every excerpt mentioning a place, the mention highlighted.

    ``suggestions`` are (href, label) pairs of a "Did you mean…" line under the heading.  The
    demonyms that involve a country follow under their own heading ("Russian — 5 associative
    mentions"), apart from the passages that name it.
    """
    place = group.place
    where = ", ".join(x for x in (place.kind.value, place.country_name) if x)
    counted = f" · {group.count} mention{'s' if group.count != 1 else ''}" if group.named or not group.associative else ""
    parts = [f"<h3>{html.escape(place.name)}</h3><p style='color:#666'>{html.escape(where)}{counted}</p>"]
    if suggestions:
        links = " · ".join(f"<a href='{html.escape(href)}'>{html.escape(label)}</a>" for href, label in suggestions)
        parts.append(
            f"<p style='background:#fff4e0;padding:4px'>Low confidence ({min_confidence(group):.0%})."
            f" Did you mean: {links}?</p>"
        )
    parts.extend(_passages(group.mentions, titles=titles))
    for name in group.associative_names:
        parts.append(f"<h4 style='color:#8a4b26;font-style:italic'>{html.escape(name.label)}</h4>")
        parts.extend(_passages([m for m in group.associative if m.text == name.text], titles=titles))
    return "".join(parts)


def _passages(mentions: Sequence[Mention], *, titles: Mapping[str, str]) -> list[str]:
    """Each mention's excerpt with the name highlighted, grouped by article in the order they first name it."""
    parts = []
    by_article: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_article.setdefault(mention.article_id, []).append(mention)
    for article_id, in_article in by_article.items():
        if len(titles) > 1:
            parts.append(f"<div style='color:#666;font-size:small'>{html.escape(titles.get(article_id, article_id))}</div>")
        for mention in in_article:
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
            parts.append(f"<p>{body}</p>")
    return parts


def distance_html(a: PlaceMentions, b: PlaceMentions) -> str:
    from geopy.distance import geodesic

    km = geodesic((a.place.lat, a.place.lon), (b.place.lat, b.place.lon)).km
    return (
        f"<p style='background:#eef4fa;padding:4px'>Distance from {html.escape(a.place.name)} to "
        f"{html.escape(b.place.name)}: <b>{km:,.0f} km</b> ({km / 1.852:,.0f} nautical miles), great circle.</p>"
    )


class LinkedTextView(QTextBrowser):
    """A text view whose only links are ``link_scheme:N``: a click follows the N-th of :meth:`_link_targets`."""

    link_scheme = ""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setPlaceholderText(placeholder)
        self.anchorClicked.connect(self._on_link)

    def _link_targets(self) -> Sequence[object]:
        raise NotImplementedError

    def _follow(self, target: Any) -> None:
        raise NotImplementedError

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() != self.link_scheme:
            return
        try:
            target = self._link_targets()[int(url.path())]
        except (ValueError, IndexError):
            return
        self._follow(target)


class ExcerptView(LinkedTextView):
    """Shows :func:`excerpt_html` of the selected places; low-confidence ones offer corrections."""

    correctionChosen = Signal(object)
    """A :class:`~viewer.corrections.Correction` picked from a "Did you mean…" link."""

    link_scheme = CORRECT_SCHEME

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PLACEHOLDER, parent)
        self._suggested: list[Correction] = []

    def show_places(self, groups: Sequence[PlaceMentions], *, titles: Mapping[str, str]) -> None:
        self._suggested = []
        parts = [distance_html(*groups)] if len(groups) == 2 else []
        for group in groups:
            suggestions = []
            if min_confidence(group) < LOW_CONFIDENCE:
                for correction in corrections_for(group):
                    suggestions.append((f"{CORRECT_SCHEME}:{len(self._suggested)}", correction.label))
                    self._suggested.append(correction)
            parts.append(excerpt_html(group, titles=titles, suggestions=suggestions))
        self.setHtml("".join(parts))

    def text(self) -> str:
        return self.toPlainText()

    def _link_targets(self) -> Sequence[Correction]:
        return self._suggested

    def _follow(self, target: Correction) -> None:
        self.correctionChosen.emit(target)
