"""Corrections of the places list, without Qt: what to offer for a place and how to apply it.

A resolved :class:`~places.model.Mention` keeps its next-best readings in ``alternatives``.
The window offers those of a place's mentions (context menu, "Did you mean…" line) and
applies the person's choice to the frozen model with :func:`dataclasses.replace`; nothing
is parsed again.  One sense per name per document: a choice re-assigns every mention of the
same surface text that was read as that place in that article.
"""

from __future__ import annotations

__all__ = [
    "LOW_CONFIDENCE",
    "Correction",
    "apply_correction",
    "corrections_for",
    "describe",
    "key_of",
    "min_confidence",
    "place_label",
]

from collections.abc import Sequence
from dataclasses import dataclass, replace

from places.model import GeoparsedArticle, Mention, Place, PlaceMentions

LOW_CONFIDENCE = 0.63  # from bench/calibration.py: below it, 2 of 3 held-out readings are wrong (342 of 530)
"""Places whose least confident mention is below this get a "Did you mean…" line."""
MentionKey = tuple[str, str]
"""(article id, surface text): the unit a correction applies to."""


@dataclass(frozen=True, slots=True)
class Correction:
    """Read the mentions of ``place_id`` under ``keys`` as ``to`` instead (``None``: not a place)."""

    place_id: str
    keys: frozenset[MentionKey]
    to: Place | None
    label: str

    @property
    def removes(self) -> bool:
        return self.to is None


def place_label(place: Place) -> str:
    """``"Geneva — city, Switzerland"``."""
    where = ", ".join(x for x in (place.kind.value, place.country_name or place.country) if x)
    return f"{place.name} — {where}" if where else place.name


def _coordinates(place: Place) -> str:
    lat = f"{abs(place.lat):.2f}° {'N' if place.lat >= 0 else 'S'}"
    lon = f"{abs(place.lon):.2f}° {'E' if place.lon >= 0 else 'W'}"
    return f"{lat}, {lon}"


def key_of(mention: Mention) -> MentionKey:
    return mention.article_id, mention.text


def min_confidence(group: PlaceMentions) -> float:
    return min((m.confidence for m in group.mentions), default=1.0)


def corrections_for(group: PlaceMentions) -> tuple[Correction, ...]:
    """The alternatives of a place's mentions, best first, then "Not a place" (always last).

    An alternative applies to the (article, surface text) pairs where it was offered; labels
    that would read the same (three US towns called Washington) get their coordinates.
    """
    offered: dict[str, tuple[Place, set[MentionKey], tuple[int, int]]] = {}
    for order, mention in enumerate(group.mentions):
        for rank, alt in enumerate(mention.alternatives):
            if alt.id == group.place.id:
                continue
            place, keys, best = offered.setdefault(alt.id, (alt, set(), (rank, order)))
            keys.add(key_of(mention))
            offered[alt.id] = (place, keys, min(best, (rank, order)))
    ranked = sorted(offered.values(), key=lambda entry: entry[2])
    labels = [place_label(place) for place, _, _ in ranked]
    clashing = {label for label in labels if labels.count(label) > 1}
    corrections = [
        Correction(
            group.place.id,
            frozenset(keys),
            place,
            f"{label} ({_coordinates(place)})" if label in clashing else label,
        )
        for (place, keys, _), label in zip(ranked, labels)
    ]
    everything = frozenset(key_of(m) for m in group.mentions)
    corrections.append(Correction(group.place.id, everything, None, "Not a place"))
    return tuple(corrections)


def apply_correction(docs: Sequence[GeoparsedArticle], correction: Correction) -> tuple[GeoparsedArticle, ...]:
    """``docs`` with the correction made; untouched articles are the same objects.

    A re-assigned mention is read as ``to`` with confidence 1.0 (a person chose it), and its
    old reading becomes its first alternative so that the choice can be changed again.
    """
    out = []
    for doc in docs:
        changed = False
        mentions: list[Mention] = []
        for m in doc.mentions:
            if m.place.id != correction.place_id or key_of(m) not in correction.keys:
                mentions.append(m)
                continue
            changed = True
            if correction.to is None:
                continue
            to = correction.to
            alternatives = (m.place, *(a for a in m.alternatives if a.id not in {to.id, m.place.id}))
            mentions.append(replace(m, place=to, confidence=1.0, alternatives=alternatives))
        out.append(replace(doc, mentions=tuple(mentions)) if changed else doc)
    return tuple(out)


def describe(correction: Correction, *, mentions: int) -> str:
    """A status-bar sentence for a correction just made."""
    names = sorted({text for _, text in correction.keys})
    quoted = ", ".join(f"“{n}”" for n in names)
    noun = f"{mentions} mention{'s' if mentions != 1 else ''}"
    if correction.to is None:
        return f"{quoted}: not a place ({noun} removed)"
    return f"{quoted} now read as {correction.label} ({noun})"
