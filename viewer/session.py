"""What the window shows, its one undo stack, and corrections: plain Python, no Qt.

The window asks for a :class:`Change` (open, correct, undo, redraw), builds its page, and
only then :meth:`Session.commit`\\ s it, so a change whose page cannot be built leaves the
session as it was.
"""

from __future__ import annotations

__all__ = ["Change", "Session", "Shown", "UndoStep"]

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from places.model import GeoparsedArticle, PlaceMentions, group_by_place
from viewer.corrections import Correction, apply_correction, describe, key_of


@dataclass(frozen=True, slots=True)
class Shown:
    """The files shown and their geoparse."""

    paths: tuple[Path, ...] = ()
    docs: tuple[GeoparsedArticle, ...] = ()


@dataclass(frozen=True, slots=True)
class UndoStep:
    """What was shown before ``label`` ("Open", "Correction") happened."""

    label: str
    shown: Shown
    select: str | None = None  # the place to select again after undoing


@dataclass(frozen=True, slots=True)
class Change:
    """A new state to show; committing it pushes ``push`` or pops the last step (``pop``)."""

    shown: Shown
    notice: str = ""
    push: UndoStep | None = None
    pop: bool = False
    select: str | None = None  # the place to select once shown


@dataclass(slots=True)
class Session:
    shown: Shown = field(default_factory=Shown)
    history: list[UndoStep] = field(default_factory=list)
    notice: str = ""  # what the last correction did
    groups: dict[str, PlaceMentions] = field(default_factory=dict)

    @property
    def docs(self) -> tuple[GeoparsedArticle, ...]:
        return self.shown.docs

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.shown.paths

    @property
    def undo_label(self) -> str | None:
        return self.history[-1].label if self.history else None

    def opened(self, paths: Sequence[Path], docs: Sequence[GeoparsedArticle]) -> Change:
        previous = self.shown
        return Change(Shown(tuple(paths), tuple(docs)), push=UndoStep("Open", previous) if previous.paths else None)

    def corrected(self, correction: Correction) -> Change | None:
        """The change a correction makes, or None when it touches no mention."""
        previous = self.shown
        changed = sum(
            1 for doc in previous.docs for m in doc.mentions
            if m.place.id == correction.place_id and key_of(m) in correction.keys
        )  # fmt: skip
        if not changed:
            return None
        return Change(
            Shown(previous.paths, apply_correction(previous.docs, correction)),
            notice=describe(correction, mentions=changed),
            push=UndoStep("Correction", previous, select=correction.place_id),
            select=correction.to.id if correction.to is not None else None,
        )

    def undone(self) -> Change | None:
        if not self.history:
            return None
        step = self.history[-1]
        return Change(step.shown, pop=True, select=step.select)

    def redrawn(self) -> Change:
        """The same state again (after a change of basemap or connections)."""
        return Change(self.shown, notice=self.notice)

    def commit(self, change: Change) -> None:
        self.shown = change.shown
        self.notice = change.notice
        self.groups = {g.place.id: g for g in group_by_place(change.shown.docs)}
        if change.pop and self.history:
            self.history.pop()
        if change.push is not None:
            self.history.append(change.push)

    def titles(self) -> dict[str, str]:
        return {doc.article.id: doc.article.title for doc in self.shown.docs}

    def summary(self) -> str:
        if not self.shown.docs:
            return "No article open"
        places = len(self.groups)
        mentions = sum(g.count for g in self.groups.values())
        return f"{places} place{'s' if places != 1 else ''} found in {mentions} mention{'s' if mentions != 1 else ''}"

    def window_title(self) -> str:
        titles = [doc.article.title or doc.article.id for doc in self.shown.docs]
        if not titles:
            title = "Gazette"
        elif len(titles) <= 2:
            title = f"{' · '.join(titles)} — Gazette"
        else:
            title = f"{titles[0]} and {len(titles) - 1} more — Gazette"
        return " ".join(title.split())
