"""Sentence spans with character offsets, and the excerpt shown for a mention.

A rule-based splitter is enough for news: a sentence ends at . ! ? (optionally followed by
closing quotes or brackets) before whitespace and a capital, digit or opening quote, unless
the dot ends a known abbreviation or an initial; a blank line or a line break before a
capital letter always ends a sentence (headlines, captions and list items carry no stop).
"""

from __future__ import annotations

__all__ = ["excerpt_for", "sentence_spans"]

import bisect
import re
from functools import lru_cache

# Dots that do not end a sentence: titles, US state and month abbreviations, initials.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    no vs etc inc ltd co corp dept univ est approx fig al
    jan feb mar apr jun jul aug sep sept oct nov dec
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont
    neb nev okla ore pa penn tenn tex va vt wash wis wyo
    u.s u.k u.n d.c e.g i.e a.m p.m""".split()
)

# Possessive runs, and a lookbehind so that no match starts inside a run of stops: a long run
# of "?" with no capital after it cost time quadratic in its length. Every match begins with
# one of the characters of the first class, consumed before the branches (which look back at
# it): a pattern that starts with a class lets the regex engine skip ahead to the next such
# character, where one that starts with a lookbehind or a branch tries every position.
_BOUNDARY = re.compile(
    r"""[.!?…\n](?:
        (?<=[.!?…])(?<![.!?…]{2})[.!?…]*+["'”’»)\]]*+  # terminal punctuation (not inside a run), closers
        (?=\s+["'“‘«(\[]?[A-Z0-9À-Þ])  # then a space and something that can start a sentence
      | (?<=\n)[ \t]*+\n\s*+            # a blank line
      | (?<=\n)(?=[ \t]*+["'“‘«(\[]?[A-Z0-9À-Þ])  # a line break before a capital (captions, headlines)
    )""",
    re.VERBOSE,
)

# A sentence shorter than this many characters gets its neighbour as context.
SHORT_SENTENCE = 40
# A longer sentence is shown as a window of about this many characters around the mention.
EXCERPT_WINDOW = 400


def _ends_with_abbreviation(text: str, start: int, dot: int) -> bool:
    """Does the dot at ``text[dot]`` end an abbreviation or an initial (the word read backwards
    from the dot, never past ``start``, so a long sentence of abbreviations stays linear)?"""
    i = dot
    while i > start and (text[i - 1].isalnum() or text[i - 1] in "._"):
        i -= 1
    word = text[i:dot]
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "John F. Kennedy"
    return word.lower() in _ABBREVIATIONS


@lru_cache(maxsize=8)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Return (start, end) of every sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        at, end = boundary.span()
        if text[at] == "." and _ends_with_abbreviation(text, start, at):
            continue
        stop = at + len(boundary.group().rstrip())
        while start < stop and text[start].isspace():  # _append_trimmed inline: it runs once a sentence
            start += 1
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            spans.append((start, stop))
        start = end
    _append_trimmed(text, start, len(text), spans)
    return tuple(spans)


@lru_cache(maxsize=8)
def _sentence_starts(text: str) -> list[int]:
    # Cached: built per call it made a long article's excerpts quadratic (20 MB: hours).
    return [s for s, _ in sentence_spans(text)]


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def excerpt_for(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence holding ``text[start:end]`` and where it begins in ``text``.

    A very short sentence (a caption, "Moscow denied it.") is joined with the following one
    (or the preceding one at the end of the text) so that the excerpt says something; a
    sentence longer than about :data:`EXCERPT_WINDOW` characters is cut to a window of it around
    the mention. The returned excerpt always contains the whole mention.
    """
    spans = sentence_spans(text)
    if not spans:
        return text[start:end], start
    starts = _sentence_starts(text)
    i = max(0, bisect.bisect_right(starts, start) - 1)
    s_start, s_end = spans[i]
    # A mention straddling a boundary (rare: a split inside a name) widens the excerpt.
    j = i
    while j + 1 < len(spans) and spans[j][1] < end:
        j += 1
    s_end = max(s_end, spans[j][1])
    if s_end - s_start < SHORT_SENTENCE:
        if j + 1 < len(spans) and "\n\n" not in text[s_end : spans[j + 1][0]]:
            s_end = spans[j + 1][1]
        elif i > 0 and "\n\n" not in text[spans[i - 1][1] : s_start]:
            s_start = spans[i - 1][0]
    if s_end - s_start > EXCERPT_WINDOW:
        s_start, s_end = _window(text, s_start, s_end, start, end)
    s_start = min(s_start, start)
    s_end = max(s_end, end)
    return text[s_start:s_end], s_start


def _window(text: str, s_start: int, s_end: int, start: int, end: int) -> tuple[int, int]:
    """The window of a long sentence shown for the mention at ``start:end``.

    Windows sit on a fixed grid (``EXCERPT_WINDOW`` long, every half of that), so the mentions
    near each other share one excerpt (one string, not a copy each); of the two windows that
    hold the mention's start, the one where it sits nearer the middle is taken.
    """
    step = EXCERPT_WINDOW // 2
    k = max(0, (start - s_start - step // 2) // step)  # the window whose middle is nearest
    lo = s_start + k * step
    hi = min(s_end, lo + EXCERPT_WINDOW)
    return _snap_start(text, lo, s_start), _snap_end(text, hi, s_end)


_SNAP = 40  # how far a window's edge moves to fall between words


def _snap_start(text: str, lo: int, s_start: int) -> int:
    if lo <= s_start:
        return s_start
    cut = text.find(" ", lo, lo + _SNAP)
    return cut + 1 if cut >= 0 else lo


def _snap_end(text: str, hi: int, s_end: int) -> int:
    if hi >= s_end:
        return s_end
    cut = text.rfind(" ", hi - _SNAP, hi)
    return cut if cut > 0 else hi
