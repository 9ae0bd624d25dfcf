"""Hostile input costs linear time: ten times the text, at most 30 times the cost, ten times the places.

This checks complexity, not speed: linear is 10x, quadratic 100x; the wide factor keeps a loaded
machine from failing it, and each size's cost is the best of a few runs. Every text goes through
the real loader (Markdown and HTML through the markup parser) and the real geoparser, and must
name ten times the places at ten times the size: nothing truncated, capped or skipped.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from places.articles import load_article
from places.geoparse import Geoparser
from tests.support.gazetteer import shared_gazetteer
from tests.support.hostile_text import CASES, ISSUE_CASES, MARKS, Case, case_text

SMALL = 10_000  # characters; the large text is ten times this
MAX_RATIO = 30.0


class _NoOnlineAnswer:
    """A fallback that knows nothing, so that unknown capitalised names are looked at too."""

    def geocode(self, query: str, exactly_one: bool = True) -> None:
        return None


@pytest.fixture(scope="module")
def parsers() -> tuple[Geoparser, Geoparser]:
    gazetteer = shared_gazetteer()
    return Geoparser(gazetteer), Geoparser(gazetteer, fallback=_NoOnlineAnswer())


def _cost(parser: Geoparser, path: Path, *, runs: int) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(runs):
        started = time.process_time()
        found = len(parser.parse(load_article(path)).mentions)
        best = min(best, time.process_time() - started)
    return best, found


def _check(case: Case, folder: Path, parsers: tuple[Geoparser, Geoparser]) -> None:
    small, large = folder / f"small{case.suffix}", folder / f"large{case.suffix}"
    small.write_text(case_text(case, chars=SMALL), encoding="utf-8")
    large.write_text(case_text(case, chars=SMALL, scale=10), encoding="utf-8")
    for parser in parsers:
        parser.parse(load_article(small))  # warm: caches, first-use imports
        small_cost, small_found = _cost(parser, small, runs=3)
        large_cost, large_found = _cost(parser, large, runs=2)
        assert small_found > 0, case
        assert large_found == 10 * small_found, (case.name, small_found, large_found)
        ratio = large_cost / max(small_cost, 1e-3)
        assert ratio <= MAX_RATIO, f"{case.name}: 10x the text cost {ratio:.0f}x ({small_cost:.3f}s -> {large_cost:.3f}s)"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_ten_times_the_text_costs_at_most_thirty_times(case, tmp_path, parsers):
    _check(case, tmp_path, (parsers[0],))


@pytest.mark.parametrize("case", ISSUE_CASES, ids=lambda c: c.name)
def test_the_issue_cases_scale_with_the_online_fallback_on(case, tmp_path, parsers):
    _check(case, tmp_path, (parsers[1],))


_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
_MARKUP = ["**", "__", "~~", "`", "``", "[", "](", "![", "<b>", "<!--", "&amp;", "\\", "> ", "- ", "# ", "|"]


@st.composite
def hostile_cases(draw: st.DrawFn) -> Case:
    """A case of the issue's kind, drawn: a run of marks, markup or capitalised words, nested or not."""
    suffix = draw(st.sampled_from([".txt", ".md", ".html"]))
    kind = draw(st.sampled_from(["marks", "markup", "capitals", "nesting", "issue"]))
    if kind == "issue":
        base = draw(st.sampled_from(ISSUE_CASES))
        return Case(f"drawn {base.name}", base.suffix, base.run, names=base.names, lead=base.lead, tail=base.tail)
    if kind == "marks":
        run = "".join(draw(st.lists(st.sampled_from(MARKS), min_size=1, max_size=3)))
    elif kind == "markup":
        run = draw(st.sampled_from(_MARKUP)) + draw(st.sampled_from(["", " ", "a", " a", draw(_WORD)]))
    elif kind == "capitals":
        run = draw(_WORD).capitalize() + draw(st.sampled_from([" ", ". ", "-", " of "]))
    else:
        run = draw(st.sampled_from(["<div>", "<b><i>", "> ", "  - ", "[", "((", "**", "<p a='"]))
    names = "<p>Paris is a city.</p>\n" if suffix == ".html" else "Paris is a city.\n\n"
    return Case(f"drawn {kind} {run!r}", suffix, run, names=names)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=hostile_cases())
def test_drawn_hostile_texts_scale(case, tmp_path, parsers):
    _check(case, tmp_path, (parsers[0],))
