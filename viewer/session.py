"""What the window shows, its one undo stack, and corrections: plain Python, no Qt.

The window asks for a :class:`Change` (open, correct, undo, redo, redraw), builds its page,
and only then :meth:`Session.commit`\\ s it, so a change whose page cannot be built leaves
the session as it was.  What is shown is always a lesson (a plain article makes a new one)
applied to the parser's output (:func:`viewer.lessonmap.apply_lesson`): every correction is
written into the lesson, so saving keeps it and undo walks it back.
"""

from __future__ import annotations

__all__ = ["Change", "Session", "Shown", "UndoStep"]

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from places.lessons import Lesson
from places.model import GeoparsedArticle, Place, PlaceMentions, group_by_place
from viewer.corrections import Correction, describe, key_of
from viewer.lessonmap import apply_lesson, lesson_for_docs, moved_corrections, window_corrections, with_corrections


@dataclass(frozen=True, slots=True)
class Shown:
    """The files shown and their geoparse."""

    paths: tuple[Path, ...] = ()
    docs: tuple[GeoparsedArticle, ...] = ()
    """What the map shows: ``raw`` with the lesson's corrections made."""
    raw: tuple[GeoparsedArticle, ...] = ()
    lesson: Lesson | None = None
    lesson_path: Path | None = None  # the lesson file, once there is one


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
    step: Literal["do", "undo", "redo"] = "do"
    opens: bool = False  # a lesson just read: what is shown is what is saved


@dataclass(slots=True)
class Session:
    shown: Shown = field(default_factory=Shown)
    history: list[UndoStep] = field(default_factory=list)
    future: list[UndoStep] = field(default_factory=list)  # what Redo brings back
    notice: str = ""  # what the last correction did
    groups: dict[str, PlaceMentions] = field(default_factory=dict)
    saved: Lesson | None = None  # the lesson as last opened or saved
    lookup: Callable[[str], Place | None] | None = None  # a place by id, for readings no mention offers

    @property
    def lesson(self) -> Lesson | None:
        return self.shown.lesson

    @property
    def modified(self) -> bool:
        return self.shown.lesson is not None and self.shown.lesson != self.saved

    @property
    def saved_lesson(self) -> Lesson | None:
        """The lesson, when it is one a teacher made (a file or a tour), not just plain articles shown."""
        lesson = self.shown.lesson
        return lesson if lesson is not None and (self.shown.lesson_path is not None or lesson.tour) else None

    @property
    def redo_label(self) -> str | None:
        return self.future[-1].label if self.future else None

    @property
    def docs(self) -> tuple[GeoparsedArticle, ...]:
        return self.shown.docs

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.shown.paths

    @property
    def undo_label(self) -> str | None:
        return self.history[-1].label if self.history else None

    def opened(
        self, paths: Sequence[Path], docs: Sequence[GeoparsedArticle], *, lesson: Lesson | None = None, lesson_path: Path | None = None
    ) -> Change:
        """Show ``docs`` (the parser's output) under ``lesson``; plain articles get a new lesson."""
        previous = self.shown
        lesson = lesson if lesson is not None else lesson_for_docs(docs)
        shown = Shown(tuple(paths), apply_lesson(docs, lesson, lookup=self.lookup), tuple(docs), lesson, lesson_path)
        return Change(shown, push=UndoStep("Open", previous) if previous.paths else None, opens=True)

    def lesson_changed(self, lesson: Lesson, *, label: str, notice: str = "", select: str | None = None) -> Change:
        """Show the same articles under an edited lesson (a correction, a tour edit)."""
        previous = self.shown
        shown = dataclasses.replace(previous, lesson=lesson, docs=apply_lesson(previous.raw, lesson, lookup=self.lookup))
        return Change(shown, notice=notice, push=UndoStep(label, previous, select=select), select=select)

    def corrected(self, correction: Correction) -> Change | None:
        """The change a correction makes (written into the lesson), or None when it touches no mention."""
        previous = self.shown
        changed = sum(
            1 for doc in previous.docs for m in doc.mentions
            if m.place.id == correction.place_id and key_of(m) in correction.keys
        )  # fmt: skip
        if not changed or previous.lesson is None:
            return None
        rules = window_corrections(previous.lesson, correction.keys, to=correction.to)
        change = self.lesson_changed(with_corrections(previous.lesson, rules), label="Correction",
                                     notice=describe(correction, mentions=changed), select=correction.place_id)  # fmt: skip
        return dataclasses.replace(change, select=correction.to.id if correction.to is not None else None)

    def moved(self, place_id: str, *, lat: float, lon: float) -> Change | None:
        """The change of dragging a place's marker to (lat, lon), or None for an unknown place."""
        group = self.groups.get(place_id)
        if group is None or self.shown.lesson is None:
            return None
        rules = moved_corrections(self.shown.lesson, self.shown.docs, place_id, lat=lat, lon=lon)
        return self.lesson_changed(with_corrections(self.shown.lesson, rules), label="Move",
                                   notice=f"“{group.place.name}” moved to {lat:.3f}, {lon:.3f}", select=place_id)  # fmt: skip

    def saved_as(self, path: Path, lesson: Lesson) -> None:
        """The lesson was written to ``path`` (no undo step: saving changes nothing shown)."""
        self.shown = dataclasses.replace(self.shown, lesson=lesson, lesson_path=path)
        self.saved = lesson

    def undone(self) -> Change | None:
        if not self.history:
            return None
        step = self.history[-1]
        return Change(step.shown, pop=True, select=step.select, step="undo")

    def redone(self) -> Change | None:
        if not self.future:
            return None
        step = self.future[-1]
        return Change(step.shown, select=step.select, step="redo")

    def redrawn(self) -> Change:
        """The same state again (after a change of basemap or connections)."""
        return Change(self.shown, notice=self.notice)

    def commit(self, change: Change) -> None:
        before = self.shown
        if change.opens:
            self.saved = change.shown.lesson
        self.shown = change.shown
        self.notice = change.notice
        self.groups = {g.place.id: g for g in group_by_place(change.shown.docs)}
        if change.step == "undo" and self.history:
            step = self.history.pop()
            self.future.append(UndoStep(step.label, before, select=step.select))
        elif change.step == "redo" and self.future:
            step = self.future.pop()
            self.history.append(UndoStep(step.label, before, select=step.select))
        elif change.push is not None:
            self.history.append(change.push)
            self.future.clear()

    def titles(self) -> dict[str, str]:
        return {doc.article.id: doc.article.title for doc in self.shown.docs}

    def summary(self) -> str:
        if not self.shown.docs:
            return "No article open"
        places = sum(1 for g in self.groups.values() if g.named)  # countries only demonyms involve are shaded, not found
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
