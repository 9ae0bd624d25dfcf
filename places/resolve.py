"""Candidates -> places: a population and feature-type prior, then the document's context.

Score of a reading = log10(prior) + bonuses: its country is named in the document (or is the
country of the document's unambiguous places), its state/province is named, an explicit
"City, State" says so, or it lies near the document's other places. A name never supports
itself ("Minnesota" the state does not vouch for a town whose alternate name is Minnesota).
Three passes: the prior alone gives a first context (countries, states, unambiguous towns);
a second resolves everything with it; a third re-resolves with the second's places as
context (local news names towns near each other). Evidence is weighed by its strength: a named
country or state counts in full; what only other towns say (their country, their state, being
near) counts by the share of the document's places behind it, so one Chicago in a world story
does not make Geneva a town in Illinois. A division and the city it is named after: the city,
unless the text says division ("Varna Province", "the state of Washington"). One sense per name
per document (a name called a division counts apart from the bare name). Weak
candidates (common words, names glued to other capitalised words) survive only with local
support (state, "City, State" or proximity).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from places.gazetteer import (
    P_ADMIN1, P_CC, P_ID, P_KIND, P_LAT, P_LON, P_NAME, P_POP, P_PRIOR, Gazetteer, haversine_km, name_key,
)
from places.confidence import SEATS_OF_POWER, Evidence, calibrated
from places.recognize import Candidate


@dataclass(frozen=True, slots=True)
class ResolveOptions:
    """Weights and switches; exposed for ablation runs."""

    context: bool = True
    coherence: bool = True  # the third pass
    country_bonus: float = 1.6
    region_bonus: float = 2.2  # the state/province itself is named
    town_region_bonus: float = 2.2  # only another town of the same state is named
    near_bonus: float = 1.0
    proportional: bool = True  # a country known only from its towns counts by their share of the text
    local_share: float = 0.6
    weak_max: bool = False  # other towns' evidence counts once (the strongest), not summed  # share of the document's places in one state that counts fully
    near_km: float = 250.0
    hint_bonus: float = 8.0
    alias_penalty: float = 2.5  # a town matched by an alternate name, not its own
    exonym_pop: int = 500_000  # ...but only a fifth of it for a city this big
    one_sense: bool = True
    min_weak_score: float = 6.5  # a weak candidate without local support needs a big place
    min_score: float = 2.0
    namesake_city: bool = True  # "Varna" is the city, not Varna Province, unless the text says province
    namesake_share: float = 0.15  # ...when the city holds at least this share of the division's people
    namesake_km: float = 40.0  # a second-level division's namesake lies this close to its point
    links: bool = True  # readings of two names that fit together (a town in a named county) support each other
    county_link_km: float = 45.0
    county_link_bonus: float = 2.2
    link_local: float = 0.0  # how much of the link counts as local support for a weak candidate


@dataclass(frozen=True, slots=True)
class Resolution:
    """The chosen row for a candidate, the runners-up, and a confidence in [0, 1]."""

    candidate: Candidate
    row: int
    alternatives: tuple[int, ...]
    confidence: float
    evidence: Evidence | None = None  # what the confidence was computed from (for calibration)


MAX_READINGS = 25  # readings scored per name; the prior order makes the rest hopeless

@lru_cache(maxsize=100_000)
def _key_of(name: str) -> str:
    return name_key(name)


class _Context:
    """What the document says about where it is: countries, states, points; each with its source names."""

    def __init__(self) -> None:
        self.countries: dict[str, set[str]] = defaultdict(set)
        self.regions: dict[tuple[str, str], set[str]] = defaultdict(set)  # named, or holding a named town
        self.named_regions: dict[tuple[str, str], set[str]] = defaultdict(set)  # the state itself is named
        self.points: list[tuple[float, float, str]] = []
        self.keys: set[str] = set()
        self.named_countries: dict[str, set[str]] = defaultdict(set)  # the country or one of its states is named
        self.links: dict[int, set[str]] = {}  # reading -> other names with a reading that contains or adjoins it

    def share(self, sources: set[str], key: str) -> float:
        """Fraction of the document's other place names that are among ``sources``."""
        others = len(self.keys) - (key in self.keys)
        return len(sources - {key}) / others if others > 0 else 0.0

    def add(self, row: tuple, key: str, *, point: bool) -> None:
        kind = row[P_KIND]
        self.keys.add(key)
        if row[P_CC]:
            self.countries[row[P_CC]].add(key)
            if kind in ("country", "region"):
                self.named_countries[row[P_CC]].add(key)
        if kind == "region":
            self.regions[(row[P_CC], row[P_ADMIN1])].add(key)
            self.named_regions[(row[P_CC], row[P_ADMIN1])].add(key)
        elif kind in ("city", "county", "facility") and row[P_ADMIN1]:
            self.regions[(row[P_CC], row[P_ADMIN1])].add(key)
        if point and kind in ("city", "county", "facility"):
            self.points.append((row[P_LAT], row[P_LON], key))


_COUNTY_WORDS = (" county", " parish", " borough")


def _evidence(c: Candidate, best: int, margin: float, support: float, ctx: _Context, gazetteer: Gazetteer, *,
              repeat: bool) -> Evidence:
    row = gazetteer.row(best)
    return Evidence(
        margin=margin, kind=row[P_KIND], prior=row[P_PRIOR], weak=c.weak, common=c.common,
        hint=c.region_hint is not None, repeat=repeat, support=support, link=best in ctx.links,
        readings=len(c.indices), alias=row[P_KIND] == "city" and _key_of(row[P_NAME]) != c.key,
        multiword=" " in c.key, abbreviation=c.text.isupper() or "." in c.text,
        country_named=_supports(ctx.named_countries.get(row[P_CC]), c.key),
        country_share=ctx.share(ctx.countries.get(row[P_CC], set()), c.key) if row[P_CC] else 0.0,
        seat_of_power=row[P_ID] in SEATS_OF_POWER,
    )


def _links(known: list[Candidate], gazetteer: Gazetteer, options: ResolveOptions) -> dict[int, set[str]]:
    """Readings of two different names of the text that fit together: a town inside a county the
    text names ("Paris" and "Henry County": Paris, Tennessee). Local news names a town with its county; far-off namesakes rarely line up like that by
    chance. (Two towns a few km apart were tried too: on LGL they line up by chance as often.)"""
    towns: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    counties: list[tuple[int, str]] = []
    seen: set[str] = set()
    for c in known:
        if c.key in seen or c.common:
            continue
        seen.add(c.key)
        for x in c.indices[:MAX_READINGS]:
            row = gazetteer.row(x)
            if row[P_KIND] == "city" and row[P_ADMIN1]:
                towns[(row[P_CC], row[P_ADMIN1])].append((x, c.key))
            elif row[P_KIND] == "county" and (c.cue == "county" or c.key.endswith(_COUNTY_WORDS)):
                counties.append((x, c.key))  # "Henry County", not a bare "Douglas"
    links: dict[int, set[str]] = {}
    deg = options.county_link_km / 111.0
    for x, key in counties:
        row = gazetteer.row(x)
        lat, lon = row[P_LAT], row[P_LON]
        for t, tkey in towns.get((row[P_CC], row[P_ADMIN1]), ()):
            trow = gazetteer.row(t)
            if (tkey != key and abs(trow[P_LAT] - lat) < deg
                    and haversine_km(lat, lon, trow[P_LAT], trow[P_LON]) < options.county_link_km):
                links.setdefault(x, set()).add(tkey)
                links.setdefault(t, set()).add(key)
    return links


def _supports(sources: set[str] | None, key: str) -> bool:
    return bool(sources) and (len(sources) > 1 or key not in sources)


def resolve(cands: list[Candidate], gazetteer: Gazetteer, *, options: ResolveOptions = ResolveOptions()) -> list[Resolution]:
    """Resolve candidates (text order) to gazetteer rows; unresolvable ones are left out."""
    known = [c for c in cands if c.indices]
    ctx = _Context()
    if options.context:
        for c in known:
            if c.weak:
                continue
            row = gazetteer.row(c.indices[0])
            kind = row[P_KIND]
            unambiguous = len(c.indices) == 1 or row[P_PRIOR] > 20 * gazetteer.row(c.indices[1])[P_PRIOR]
            if kind in ("country", "region") or (kind in ("city", "county") and unambiguous):
                ctx.add(row, c.key, point=row[P_POP] > 100000 or len(c.indices) == 1)
            if c.region_hint is not None:
                ctx.add(gazetteer.row(c.region_hint), c.key, point=False)
    if options.context and options.links and any(c.cue == "county" or c.key.endswith(_COUNTY_WORDS) for c in known):
        ctx.links = _links(known, gazetteer, options)
    final = not (options.context and options.coherence)
    out = _pass(known, gazetteer, ctx, options, final=final)
    if not final:
        ctx2 = _Context()
        ctx2.links = ctx.links
        for r in out:
            ctx2.add(gazetteer.row(r.row), r.candidate.key, point=True)
            if r.candidate.region_hint is not None:
                ctx2.add(gazetteer.row(r.candidate.region_hint), r.candidate.key, point=False)
        out = _pass(known, gazetteer, ctx2, options, final=True)
    return out


def _pass(known: list[Candidate], gazetteer: Gazetteer, ctx: _Context, options: ResolveOptions, *,
          final: bool) -> list[Resolution]:
    """One resolution of every candidate; only the ``final`` pass computes confidences."""
    def score(c: Candidate, idx: int) -> tuple[float, float]:
        """(score, local support): support counts only state, hint and proximity evidence (for a
        common word only a named state or "X, State": a town nearby is no evidence it is a name)."""
        row = gazetteer.row(idx)
        kind = row[P_KIND]
        s = math.log10(row[P_PRIOR] + 10.0)
        local = 0.0
        if kind == "city" and _key_of(row[P_NAME]) != c.key:
            # An exonym of a big city ("Cologne", "Munich") is what the name means; an alternate
            # name of a hamlet rarely is.
            s -= options.alias_penalty if row[P_POP] < options.exonym_pop else options.alias_penalty / 2.5
        if not options.context:
            return s, local
        cc = row[P_CC]
        weak_bonus = 0.0  # from other towns only: their country, their state, their nearness
        if cc and _supports(ctx.countries.get(cc), c.key):
            if options.proportional and not _supports(ctx.named_countries.get(cc), c.key):
                weak_bonus += options.country_bonus * min(1.0, ctx.share(ctx.countries[cc], c.key) / options.local_share)
            else:
                s += options.country_bonus
            if kind == "region" and gazetteer.row(c.indices[0])[P_KIND] == "country":
                s += options.country_bonus / 2  # Georgia the state in a US story, not the country
        # Evidence from other towns (same state, nearby) is weaker than a named state and is not
        # summed: one town named nearby must not lift a small namesake over a world city.
        town_support = 0.0
        if kind == "region" and _supports(ctx.regions.get((cc, row[P_ADMIN1])), c.key):
            s += options.region_bonus  # one of its towns is named too ("Seattle ... Washington")
            local += options.region_bonus
        elif kind in ("city", "county", "facility"):
            region = (cc, row[P_ADMIN1])
            if _supports(ctx.named_regions.get(region), c.key):
                s += options.region_bonus
                local += options.region_bonus
            elif _supports(ctx.regions.get(region), c.key):
                # Proportional: a story about one state names several of its towns; a world story
                # naming Chicago once is little evidence for Geneva, Illinois.
                share = ctx.share(ctx.regions[region], c.key)
                town_support = options.town_region_bonus * min(1.0, share / options.local_share)
        linked = ctx.links.get(idx)
        if linked and linked - {c.key}:
            s += options.county_link_bonus
            local += options.county_link_bonus * options.link_local
        if c.region_hint is not None:
            hrow = gazetteer.row(c.region_hint)
            if (hrow[P_KIND] == "region" and (cc, row[P_ADMIN1]) == (hrow[P_CC], hrow[P_ADMIN1])) or (
                hrow[P_KIND] == "country" and cc == hrow[P_CC]
            ):
                s += options.hint_bonus
                local += options.hint_bonus
        if ctx.points and kind in ("city", "county", "facility"):
            lat, lon = row[P_LAT], row[P_LON]
            deg = options.near_km / 111.0
            near: set[str] = set()
            for a, b, k in ctx.points[:30]:
                if k != c.key and abs(lat - a) < deg and haversine_km(lat, lon, a, b) < options.near_km:
                    near.add(k)
            if near:
                factor = min(1.0, ctx.share(near, c.key) / options.local_share) if options.proportional else 1.0
                town_support = max(town_support, options.near_bonus * factor)
        s += weak_bonus + town_support
        if not c.common:
            local += town_support
        return s, local

    out: list[Resolution] = []
    senses: dict[str, int] = {}  # by sense key: "Varna Province" and "Varna" may be two places
    sense_alternatives: dict[tuple[str, int], tuple[int, ...]] = {}  # shared by a name's mentions
    firsts: dict[str, Evidence] = {}
    repeats: dict[str, tuple[Evidence, float]] = {}  # a name's later mentions share one confidence
    for c in known:
        sense = f"{c.key}\x00{c.cue}" if c.cue else c.key
        if options.one_sense and sense in senses and c.region_hint is None:
            best = senses[sense]
            alts = sense_alternatives.get((c.key, best))
            if alts is None:
                alts = sense_alternatives[(c.key, best)] = tuple([x for x in c.indices if x != best][:3])
            again = repeats.get(sense)
            if again is None and sense in firsts:
                evidence = replace(firsts[sense], repeat=True)
                again = repeats[sense] = (evidence, calibrated(evidence))
            evidence, conf = again or (None, 0.9)
            out.append(Resolution(c, best, alts, conf, evidence))
            continue
        scored = sorted(((score(c, x), x) for x in c.indices[:MAX_READINGS]), key=lambda p: -p[0][0])
        if options.namesake_city:
            scored = _division_or_city(c, scored, gazetteer, options)
        (best_score, support), best = scored[0]
        if c.weak and (best_score < options.min_weak_score or c.common) and support < 0.5:
            continue
        if best_score < options.min_score:
            continue
        total = sum(math.exp(min(50.0, s - best_score)) for (s, _), _ in scored[:10])
        senses[sense] = best
        alternatives = tuple(x for _, x in scored[1:4])
        if not final:
            out.append(Resolution(c, best, alternatives, round(1.0 / total, 3)))
            continue
        evidence = firsts[sense] = _evidence(c, best, 1.0 / total, support, ctx, gazetteer, repeat=False)
        out.append(Resolution(c, best, alternatives, calibrated(evidence), evidence))
    return out


_DIVISIONS = ("region", "county")


def _division_or_city(c: Candidate, scored: list, gazetteer: Gazetteer, options: ResolveOptions) -> list:
    """A division and the city it is named after compete: the text decides, else the city wins.

    News names a province, oblast or canton by its own name mostly when it says so ("Varna
    Province", "the Murmansk region", "the canton of Geneva"); a bare "Varna" in "ships sail past
    Constanta and Varna" is the port. The division's prior (its towns' summed population) would
    pick it, so without a cue the city it is named after takes the division's place (and score).
    The city must bear the name itself (an alternate name "New York" of New York City is no
    namesake: a bare "New York" in US news is as often the state) and hold a real share of the
    division's people (the hamlet Oklahoma is not what "Oklahoma" names).
    """
    top = gazetteer.row(scored[0][1])
    if c.cue in _DIVISIONS:
        if top[P_KIND] == c.cue:
            return scored
        for k, (_, x) in enumerate(scored):
            row = gazetteer.row(x)
            if row[P_KIND] == c.cue and row[P_CC] == top[P_CC]:  # "Istanbul province", not a far namesake
                return _promote(scored, k)
        return scored
    if top[P_KIND] not in _DIVISIONS:
        return scored
    for k, (_, x) in enumerate(scored[1:], 1):
        row = gazetteer.row(x)
        if (row[P_KIND] == "city" and row[P_CC] == top[P_CC] and row[P_ADMIN1] == top[P_ADMIN1]
                and _key_of(row[P_NAME]) == c.key and row[P_POP] >= options.namesake_share * top[P_POP]
                and (top[P_KIND] == "region"
                     or haversine_km(row[P_LAT], row[P_LON], top[P_LAT], top[P_LON]) < options.namesake_km)):
            return _promote(scored, k)
    return scored


def _promote(scored: list, k: int) -> list:
    """Reading ``k`` first, trading scores with the old first, so the confidence still says how
    close the call was (the division stays the runner-up)."""
    return [(scored[0][0], scored[k][1]), *scored[1:k], (scored[k][0], scored[0][1]), *scored[k + 1:]]
