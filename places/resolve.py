"""Candidates -> places: a population and feature-type prior, then the document's context.

Score of a reading = log10(prior) + bonuses: its country is named in the document (or is the
country of the document's unambiguous places), its state/province is named, an explicit
"City, State" says so, or it lies near the document's other places. Two passes: the first
reads the unambiguous names (countries, states, big cities) to learn the context, the second
resolves everything with it. One sense per name per document. Weak candidates (common words,
names glued to other capitalised words) survive only with support from the context.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from places.gazetteer import P_ADMIN1, P_CC, P_KIND, P_LAT, P_LON, P_POP, P_PRIOR, Gazetteer, haversine_km
from places.recognize import Candidate


@dataclass(frozen=True, slots=True)
class ResolveOptions:
    """Weights and switches; exposed for ablation runs."""

    context: bool = True
    country_bonus: float = 1.6
    region_bonus: float = 2.2
    near_bonus: float = 1.0
    near_km: float = 250.0
    hint_bonus: float = 8.0
    one_sense: bool = True
    min_weak_score: float = 6.5  # a weak candidate needs this (≈ a city of 3M, or context)
    min_score: float = 2.0


@dataclass(frozen=True, slots=True)
class Resolution:
    """The chosen row for a candidate, the runners-up, and a confidence in [0, 1]."""

    candidate: Candidate
    row: int
    alternatives: tuple[int, ...]
    confidence: float


def _base(row: tuple) -> float:
    return math.log10(row[P_PRIOR] + 10.0)


def resolve(cands: list[Candidate], gazetteer: Gazetteer, *, options: ResolveOptions = ResolveOptions()) -> list[Resolution]:
    """Resolve candidates (text order) to gazetteer rows; unresolvable ones are left out."""
    known = [c for c in cands if c.indices]
    # Pass 1: context from the prior alone.
    countries: Counter = Counter()
    regions: Counter = Counter()
    anchors: list[tuple[float, float]] = []
    if options.context:
        for c in known:
            if c.weak:
                continue
            row = gazetteer.row(c.indices[0])
            kind = row[P_KIND]
            if kind == "country":
                countries[row[P_CC]] += 2
            elif kind == "region":
                regions[(row[P_CC], row[P_ADMIN1])] += 1
                countries[row[P_CC]] += 1
            elif kind in ("city", "county") and (len(c.indices) == 1 or row[P_PRIOR] > 20 * gazetteer.row(c.indices[1])[P_PRIOR]):
                countries[row[P_CC]] += 1
                if row[P_POP] > 100000 or len(c.indices) == 1:
                    anchors.append((row[P_LAT], row[P_LON]))
            if c.region_hint is not None:
                hrow = gazetteer.row(c.region_hint)
                regions[(hrow[P_CC], hrow[P_ADMIN1])] += 2
                countries[hrow[P_CC]] += 1

    def score(c: Candidate, idx: int) -> float:
        return _score(c, idx)[0]

    def _score(c: Candidate, idx: int) -> tuple[float, float]:
        """(score, local support): support counts only state, hint and proximity evidence."""
        row = gazetteer.row(idx)
        s = _base(row)
        local = 0.0
        if not options.context:
            return s, local
        cc = row[P_CC]
        if cc and countries.get(cc) and row[P_KIND] != "country":
            s += options.country_bonus
            if row[P_KIND] == "region" and gazetteer.row(c.indices[0])[P_KIND] == "country":
                s += options.country_bonus / 2  # Georgia the state in a US story, not the country
        if row[P_KIND] in ("city", "county", "facility") and regions.get((cc, row[P_ADMIN1])):
            s += options.region_bonus
            local += options.region_bonus
        if c.region_hint is not None:
            hrow = gazetteer.row(c.region_hint)
            if hrow[P_KIND] == "region" and (cc, row[P_ADMIN1]) == (hrow[P_CC], hrow[P_ADMIN1]):
                s += options.hint_bonus
                local += options.hint_bonus
            elif hrow[P_KIND] == "country" and cc == hrow[P_CC]:
                s += options.hint_bonus
                local += options.hint_bonus
        if anchors and row[P_KIND] in ("city", "county", "facility"):
            lat, lon = row[P_LAT], row[P_LON]
            deg = options.near_km / 111.0
            if any(abs(lat - a) < deg and haversine_km(lat, lon, a, b) < options.near_km for a, b in anchors[:20]):
                s += options.near_bonus
                local += options.near_bonus
        return s, local

    out: list[Resolution] = []
    senses: dict[str, int] = {}
    for c in known:
        if options.one_sense and c.key in senses and c.region_hint is None:
            best = senses[c.key]
            ranked = [best] + [x for x in c.indices if x != best]
            out.append(Resolution(c, best, tuple(ranked[1:4]), 0.9))
            continue
        scored = sorted(((score(c, x), x) for x in c.indices[:40]), key=lambda p: -p[0])
        best_score, best = scored[0]
        supported = _score(c, best)[1] > 0.5
        if c.weak and best_score < options.min_weak_score and not supported:
            continue
        if best_score < options.min_score:
            continue
        total = sum(math.exp(min(50.0, s - best_score)) for s, _ in scored[:10])
        conf = 1.0 / total
        senses[c.key] = best
        out.append(Resolution(c, best, tuple(x for _, x in scored[1:4]), round(conf, 3)))
    return out
