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

__all__ = ["MAX_READINGS", "Resolution", "ResolveOptions", "resolve"]

import math
import weakref
from math import asin, cos, radians, sin, sqrt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from places.confidence import CAPITAL_EXONYMS, SEATS_OF_POWER, Evidence, calibrated
from places.gazetteer import Gazetteer, haversine_km
from places.indexformat import Row, name_key
from places.model import Kind
from places.recognize import Candidate

_COUNTRY, _REGION, _COUNTY, _CITY = Kind.COUNTRY, Kind.REGION, Kind.COUNTY, Kind.CITY
# Tuples, not sets: membership tests identity first, where a set would call Enum.__hash__ (Python code).
_NAMED = (Kind.COUNTRY, Kind.REGION)  # a named one says where the document is
_TOWNLIKE = (Kind.CITY, Kind.COUNTY)
_LOCAL = (Kind.CITY, Kind.COUNTY, Kind.FACILITY)  # points: in a state, near other places
_DIVISIONS = (Kind.REGION, Kind.COUNTY)


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
    local_share: float = 0.6  # share of the document's places in one state that counts fully
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
    airport_bonus: float = 2.0  # an airport reading where the text talks of flying
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
_EXONYMS = frozenset((name_key(name), cc) for name, cc in CAPITAL_EXONYMS.items())

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
        self.readings: dict[str, int] = {}  # name -> its reading in the pass before (the final pass's context)

    def share(self, sources: set[str], key: str) -> float:
        """Fraction of the document's other place names that are among ``sources``."""
        others = len(self.keys) - (key in self.keys)
        return (len(sources) - (key in sources)) / others if others > 0 else 0.0

    def add(self, row: Row, key: str, *, point: bool) -> None:
        kind = row.kind
        self.keys.add(key)
        if row.country:
            self.countries[row.country].add(key)
            if kind in _NAMED:
                self.named_countries[row.country].add(key)
        if kind is _REGION:
            self.regions[(row.country, row.admin1)].add(key)
            self.named_regions[(row.country, row.admin1)].add(key)
        elif kind in _LOCAL and row.admin1:
            self.regions[(row.country, row.admin1)].add(key)
        if point and kind in _LOCAL:
            self.points.append((row.lat, row.lon, key))


_COUNTY_WORDS = (" county", " parish", " borough")


_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence) if f.init)
_evidence_values = attrgetter(*_EVIDENCE_FIELDS)


def _calibrated(evidence: Evidence, seen: dict[Evidence, tuple[Evidence, float]]) -> tuple[Evidence, float]:
    """The evidence (an equal one already seen, if any) and its confidence."""
    hit = seen.get(evidence)
    if hit is None:
        hit = seen[evidence] = (evidence, calibrated(evidence))
    return hit


def _again(sense: str, glued: bool, firsts: dict[str, Evidence | None],
           repeats: dict[tuple[str, bool], tuple[Evidence, float]]) -> tuple[Evidence | None, float]:
    """A later mention's evidence and confidence: its name's first mention's, as a repeat, glued
    to a capitalised word or not as this mention is ("Fiji … the Fiji Health Ministry")."""
    again = repeats.get((sense, glued))
    if again is None and firsts.get(sense) is not None:
        values = dict(zip(_EVIDENCE_FIELDS, _evidence_values(firsts[sense])))  # dataclasses.replace, faster
        values["repeat"], values["glued"] = True, glued
        evidence = Evidence(**values)
        again = repeats[(sense, glued)] = (evidence, calibrated(evidence))
    return again or (None, 0.9)


NEAR_KM = 161.0  # what the confidence estimates: a place, and within this distance of the right point


def _spread(c: Candidate, scored: list, total: float, near: frozenset[int]) -> tuple[float, int]:
    """The margin and the readings count the confidence weighs, where readings within NEAR_KM of
    the chosen one (``near``: see _Geometry) are no rivals (the confidence asks "within 161 km",
    and a division is the town it is named after, in that sense: Pyongyang the city and Pyongyang
    the province): the softmax share of the chosen reading and those near it, and 1 + the
    readings farther off."""
    if len(scored) == 1:
        return 1.0 / total, len(c.indices)
    best_score = scored[0][0][0]
    share, count = 1.0, 0
    for k, ((s, _), x) in enumerate(scored[1:], 1):
        if x in near:
            count += 1
            if k < 10:
                share += math.exp(min(50.0, s - best_score))
    return share / total, len(c.indices) - count


class _Geometry(NamedTuple):
    """Where a name's readings lie from one of them, which its name alone decides (kept across
    documents: news names the same places again and again)."""

    indices: tuple[int, ...]  # the name's readings it was computed for
    near: frozenset[int]  # the readings (of the first MAX_READINGS) within NEAR_KM of the chosen one, itself too
    # The largest prior of the farther ones (0 if none) that bear the name itself (China, Maine), not
    # as one of their alternate names (Fuentes de Andalucía is "Ukraine" in some language).
    far_prior: float


_GEOMETRY: weakref.WeakKeyDictionary[Gazetteer, dict[tuple[str, int], _Geometry]] = weakref.WeakKeyDictionary()


def _geometry(c: Candidate, best: int, gazetteer: Gazetteer) -> _Geometry:
    """The geometry of the candidate's readings around ``best``, from the cache when it holds it."""
    cache = _of_index(_GEOMETRY, gazetteer)
    hit = cache.get((c.key, best))
    if hit is not None and (hit.indices is c.indices or hit.indices == c.indices):
        return hit
    row = gazetteer.row(best)
    lat, lon = row.lat, row.lon
    near, far = set(), []
    for x in c.indices[:MAX_READINGS]:
        other = gazetteer.row(x)
        if abs(other.lat - lat) < NEAR_KM / 111.0 and haversine_km(lat, lon, other.lat, other.lon) <= NEAR_KM:
            near.add(x)
        elif _key_of(other.name) == c.key:  # farther than NEAR_KM (within it, |Δlat| < NEAR_KM / 111 holds)
            far.append(other.prior)
    far_prior = max(far, default=0.0)
    if len(cache) >= 50_000:
        cache.clear()
    cache[(c.key, best)] = found = _Geometry(c.indices, frozenset(near), far_prior)
    return found


def _of_index(table: weakref.WeakKeyDictionary, gazetteer: Gazetteer) -> dict:
    """``table``'s dict for ``gazetteer`` (made on first need): a cache kept across documents, as
    long as the index lives."""
    cache = table.get(gazetteer)
    if cache is None:
        cache = table[gazetteer] = {}
    return cache


def _first_evidence(c: Candidate, scored: list, total: float, support: float, ctx: _Context, gazetteer: Gazetteer,
                    seen: dict[Evidence, tuple[Evidence, float]]) -> tuple[Evidence, float]:
    """The evidence and confidence of a name's first mention, read as ``scored[0]``."""
    geometry = _geometry(c, scored[0][1], gazetteer) if len(scored) > 1 else None
    margin, readings = _spread(c, scored, total, geometry.near if geometry else frozenset())
    return _calibrated(_evidence(c, scored, margin, support, ctx, gazetteer, geometry, readings=readings), seen)


def _evidence(c: Candidate, scored: list, margin: float, support: float, ctx: _Context, gazetteer: Gazetteer,
              geometry: _Geometry | None, *, readings: int) -> Evidence:
    best = scored[0][1]
    row = gazetteer.row(best)
    capital = _is_capital(row, c, gazetteer)
    rival_share, rival_support = _rivals(c, scored, ctx, gazetteer, geometry) if capital else (0.0, 0.0)
    alias = row.kind is Kind.CITY and _key_of(row.name) != c.key
    return Evidence(
        margin=margin, kind=row.kind, prior=row.prior, weak=c.weak, common=c.common,
        hint=c.region_hint is not None, repeat=False, support=support, link=best in ctx.links,
        readings=readings, alias=alias,
        multiword=" " in c.key, abbreviation=c.text.isupper() or "." in c.text,
        country_named=_supports(ctx.named_countries.get(row.country), c.key),
        country_share=ctx.share(ctx.countries.get(row.country, set()), c.key) if row.country else 0.0,
        seat_of_power=row.id in SEATS_OF_POWER, capital=capital, countries=len(ctx.countries),
        rival_share=rival_share, rival_support=rival_support, glued=c.glued,
        exonym=alias and capital and (c.key, row.country) in _EXONYMS,
        rival_prior=geometry.far_prior if geometry and (capital or row.kind is _COUNTRY) else 0.0,
    )


def _capital_prior(row: Row) -> bool:
    """The index gives a national capital the prior 3 × population + 2,000,000 (_gazetteer_build._add_towns)."""
    return row.kind is _CITY and row.prior == 3 * row.population + 2e6


def _is_capital(row: Row, c: Candidate, gazetteer: Gazetteer) -> bool:
    """Is the reading its country's capital? The index lifts every town of the country bearing the
    capital's name (the hamlets called Washington too), so among the name's readings only the most
    populous one of the country counts."""
    if not _capital_prior(row):
        return False
    for x in c.indices[:MAX_READINGS]:
        other = gazetteer.row(x)
        if other.country == row.country and other.population > row.population and _capital_prior(other):
            return False
    return True


def _rivals(c: Candidate, scored: list, ctx: _Context, gazetteer: Gazetteer,
            geometry: _Geometry | None) -> tuple[float, float]:
    """What the text says for the readings farther than NEAR_KM from the chosen one (a capital's
    namesakes): the largest share of the text's other names read as towns in a rival's country
    (another country than the chosen reading's), and the largest local support of a rival (its
    state named, "Town, State", other places near it)."""
    if geometry is None:  # one reading: no rivals
        return 0.0, 0.0
    row = gazetteer.row(scored[0][1])
    near = geometry.near
    share, support = 0.0, 0.0
    for (_, local), x in scored[1:]:
        if x in near:
            continue
        other = gazetteer.row(x)
        support = max(support, local)
        if other.country and other.country != row.country and other.country in ctx.countries:
            share = max(share, ctx.share(_towns(ctx.countries[other.country], ctx, gazetteer), c.key))
    return share, support


def _towns(keys: set[str], ctx: _Context, gazetteer: Gazetteer) -> set[str]:
    """Those of the names that were read as towns (no country, state or capital): a text naming
    Washington or the United States says nothing for Moscow, Idaho; one naming Boise does."""
    out = set()
    for key in keys:
        x = ctx.readings.get(key)
        if x is None:
            out.add(key)
            continue
        row = gazetteer.row(x)
        if row.kind not in _NAMED and not _capital_prior(row):
            out.add(key)
    return out


def _links(known: list[Candidate], gazetteer: Gazetteer, options: ResolveOptions) -> dict[int, set[str]]:
    """Readings of two different names of the text that fit together: a town inside a county the
    text names ("Paris" and "Henry County": Paris, Tennessee). Local news names a town with its
    county; far-off namesakes rarely line up like that by chance. (Two towns a few km apart were
    tried too: on LGL they line up by chance as often.)"""
    towns: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    counties: list[tuple[int, str]] = []
    seen: set[str] = set()
    for c in known:
        if c.key in seen or c.common:
            continue
        seen.add(c.key)
        for x in c.indices[:MAX_READINGS]:
            row = gazetteer.row(x)
            if row.kind is Kind.CITY and row.admin1:
                towns[(row.country, row.admin1)].append((x, c.key))
            elif row.kind is Kind.COUNTY and (c.division is Kind.COUNTY or c.key.endswith(_COUNTY_WORDS)):
                counties.append((x, c.key))  # "Henry County", not a bare "Douglas"
    links: dict[int, set[str]] = {}
    deg = options.county_link_km / 111.0
    for x, key in counties:
        row = gazetteer.row(x)
        lat, lon = row.lat, row.lon
        for t, tkey in towns.get((row.country, row.admin1), ()):
            trow = gazetteer.row(t)
            if (tkey != key and abs(trow.lat - lat) < deg
                    and haversine_km(lat, lon, trow.lat, trow.lon) < options.county_link_km):
                links.setdefault(x, set()).add(tkey)
                links.setdefault(t, set()).add(key)
    return links


def _supports(sources: set[str] | None, key: str) -> bool:
    return bool(sources) and (len(sources) > 1 or key not in sources)


def resolve(cands: list[Candidate], gazetteer: Gazetteer, *, options: ResolveOptions = ResolveOptions()) -> list[Resolution]:
    """Resolve candidates (text order) to gazetteer rows; unresolvable ones are left out."""
    known = _town_state([c for c in cands if c.indices], gazetteer)
    if not known:
        return []
    ctx = _Context()
    if options.context:
        for c in known:
            if c.weak:
                continue
            row = gazetteer.row(c.indices[0])
            kind = row.kind
            unambiguous = len(c.indices) == 1 or row.prior > 20 * gazetteer.row(c.indices[1]).prior
            if kind in _NAMED or (kind in _TOWNLIKE and unambiguous):
                ctx.add(row, c.key, point=row.population > 100000 or len(c.indices) == 1)
            if c.region_hint is not None:
                ctx.add(gazetteer.row(c.region_hint), c.key, point=False)
    if options.context and options.links and any(c.division is Kind.COUNTY or c.key.endswith(_COUNTY_WORDS) for c in known):
        ctx.links = _links(known, gazetteer, options)
    final = not (options.context and options.coherence)
    statics = _statics(gazetteer, options)
    out = _pass(known, gazetteer, ctx, options, final=final, statics=statics)
    if not final:
        ctx2 = _Context()
        ctx2.links = ctx.links
        ctx2.readings = {c.key: row for c, row in out}
        for c, row in out:
            ctx2.add(gazetteer.row(row), c.key, point=True)
            if c.region_hint is not None:
                ctx2.add(gazetteer.row(c.region_hint), c.key, point=False)
        out = _pass(known, gazetteer, ctx2, options, final=True, statics=statics)
    return out


def _town_state(known: list[Candidate], gazetteer: Gazetteer) -> list[Candidate]:
    """"Atlanta, Georgia": recognition takes the hint's first reading, the country Georgia; where
    none of the town's readings lies in that country but one lies in a state of that name, the
    hint (and the candidate after the town that names it) is the state."""
    out = known
    for k, c in enumerate(known):
        hint = c.region_hint
        if hint is None or gazetteer.row(hint).kind is not _COUNTRY or k + 1 == len(known):
            continue
        towns = {(t.country, t.admin1) for t in map(gazetteer.row, c.indices[:MAX_READINGS])}
        state = known[k + 1]
        if state.indices != (hint,) or gazetteer.row(hint).country in {cc for cc, _ in towns}:
            continue
        for x in gazetteer.candidates(state.key):
            row = gazetteer.row(x)
            if row.kind is _REGION and (row.country, row.admin1) in towns:
                out = out if out is not known else list(known)
                out[k], out[k + 1] = replace(c, region_hint=x), replace(state, indices=(x,))
                break
    return out


def _prior_score(row: Row, key: str, options: ResolveOptions) -> float:
    """The part of a reading's score that its name alone decides: the prior, less the alias penalty."""
    s = math.log10(row.prior + 10.0)
    if row.kind is _CITY and _key_of(row.name) != key:
        # An exonym of a big city ("Cologne", "Munich") is what the name means; an alternate
        # name of a hamlet rarely is.
        s -= options.alias_penalty if row.population < options.exonym_pop else options.alias_penalty / 2.5
    return s


# A reading as the scorer reads it, whatever the document: (row index, row, prior score, kind,
# country, (country, admin1), a point in a state?, an airport?, floor of its latitude).
_Static = tuple[int, Row, float, Kind, str, tuple[str, str], bool, bool, int]
# By index (a weak reference: the index's life), then by options: name key -> (its readings, their static parts).
_STATIC: weakref.WeakKeyDictionary[Gazetteer, dict[ResolveOptions, dict[str, tuple[tuple[int, ...], list[_Static]]]]]
_STATIC = weakref.WeakKeyDictionary()


def _statics(gazetteer: Gazetteer, options: ResolveOptions) -> Callable[[Candidate], list[_Static]]:
    """statics(candidate): the static part of its first MAX_READINGS readings, in prior order, kept
    across documents (news names the same places again and again). The last cache found is taken
    again while the index and options are the same objects (hashing the options cost more than a
    short text's look-ups); it holds the index only by a weak reference, as _STATIC does."""
    last_gazetteer, last_options, cache = _LAST_STATICS
    if last_options is not options or last_gazetteer() is not gazetteer:
        by_options = _of_index(_STATIC, gazetteer)
        cache = by_options.get(options)
        if cache is None:
            cache = by_options[options] = {}
        _LAST_STATICS[:] = weakref.ref(gazetteer), options, cache
    row_of, is_airport = gazetteer.row, gazetteer.is_airport

    def statics(c: Candidate) -> list[_Static]:
        key, indices = c.key, c.indices
        hit = cache.get(key)
        if hit is not None and (hit[0] is indices or hit[0] == indices):
            return hit[1]
        out = []
        for idx in indices[:MAX_READINGS]:
            row = row_of(idx)
            cc = row.country
            out.append((idx, row, _prior_score(row, key, options), row.kind, cc, (cc, row.admin1),
                        row.kind in _LOCAL, is_airport(idx), math.floor(row.lat)))
        if len(cache) >= 50_000:
            cache.clear()
        cache[key] = (indices, out)
        return out

    return statics


_LAST_STATICS: list = [lambda: None, None, None]  # (a weak reference to the index, the options, their cache)


class _Near(NamedTuple):
    """The context's points, for one pass: ``nearby(lat, lon, key)`` gives the other names with a
    point within near_km; a reading whose floor(latitude) is not in ``cells``, or whose longitude
    lies outside ``lons``, has none (the scorer asks only the others)."""

    cells: set[int]
    lons: tuple[float, float]
    nearby: Callable[[float, float, str], set[str]]


def _lon_reach(points: list[tuple[float, float]], deg: float, near_km: float) -> tuple[float, float]:
    """(lo, hi): a reading within ``deg`` of a point's latitude and within near_km of it has a
    longitude in [lo, hi] (-inf, inf where no such bound holds: near a pole, across 180°).

    haversine_km's h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2) is below sin²(near_km / 2R) within
    reach, and cos φ1 ≥ cos(|φ2| + deg), so |sin(Δλ/2)| < sin(near_km / 2R) / sqrt(cos(|φ2| + deg) cos φ2);
    the bound is widened by 1% and 0.01° against rounding."""
    lo, hi = math.inf, -math.inf
    for a, b in points:
        reach = _reach(a, deg, near_km)
        if reach is None:
            return -math.inf, math.inf
        lo, hi = min(lo, b - reach), max(hi, b + reach)
    if lo < -180.0 or hi > 180.0:
        return -math.inf, math.inf
    return lo, hi


@lru_cache(maxsize=20_000)
def _reach(a: float, deg: float, near_km: float) -> float | None:
    """How far in longitude a point at latitude ``a`` reaches (see _lon_reach; None: no bound).
    Cached: local news names the same towns, whose latitudes recur from document to document."""
    half = near_km / (2 * 6371.0)
    top = abs(a) + deg
    if half >= math.pi / 2 or top >= 89.0:
        return None
    q = math.sin(half) / math.sqrt(math.cos(math.radians(top)) * math.cos(math.radians(a)))
    if q >= 1.0:
        return None
    return math.degrees(2 * math.asin(q)) * 1.01 + 0.01


@lru_cache(maxsize=20_000)
def _point_terms(a: float, band: float) -> tuple[float, float, range]:
    """A point's latitude in radians, that one's cosine, and the latitude cells a reading within
    ``band`` of it may lie in: each the same float as computed afresh."""
    return math.radians(a), math.cos(math.radians(a)), range(math.floor(a - band), math.floor(a + band) + 1)


def _near_finder(ctx: _Context, options: ResolveOptions) -> _Near | None:
    """The context's points for the near test (None: no points).

    The points sorted by latitude, each with its latitude in radians and that one's cosine (the
    terms of haversine_km that depend on the point alone, computed once a latitude, not once a
    reading): a reading looks only at the points in its band of latitude.
    """
    if not ctx.points:
        return None
    deg = options.near_km / 111.0
    band = deg + 1e-6  # a bisection finds a slightly wider band; the exact test below decides
    cells: set[int] = set()
    points = []
    for a, b, k in sorted(ctx.points[:30]):
        p2, cos2, around = _point_terms(a, band)
        points.append((a, b, k, p2, cos2))
        cells.update(around)
    lats = [a for a, *_ in points]
    near_km = options.near_km
    lons = _lon_reach([(a, b) for a, b, *_ in points], deg, near_km)

    def nearby(lat: float, lon: float, key: str) -> set[str]:
        """The other names with a point within near_km."""
        p1 = radians(lat)
        cos1 = cos(p1)
        near: set[str] = set()
        for a, b, k, p2, cos2 in points[bisect_left(lats, lat - band) : bisect_right(lats, lat + band)]:
            if k != key and abs(lat - a) < deg:
                # haversine_km(lat, lon, a, b) term by term (the same floats), inline: it runs for
                # most readings of a local story.
                h = sin((p2 - p1) / 2) ** 2 + cos1 * cos2 * sin(radians(b - lon) / 2) ** 2
                if 2 * 6371.0 * asin(min(1.0, sqrt(h))) < near_km:
                    near.add(k)
        return near

    return _Near(cells, lons, nearby)


Scored = list[tuple[tuple[float, float], int]]


def _scorer(gazetteer: Gazetteer, ctx: _Context, options: ResolveOptions,
            statics: Callable[[Candidate], list[_Static]]) -> Callable[[Candidate], Scored]:
    """scores(candidate) -> ((score, local support), row) of its readings, for one pass: support
    counts only state, hint and proximity evidence (for a common word only a named state or
    "X, State": a town nearby is no evidence it is a name).

    A long name has 25 readings scored twice, so what a reading asks of the context is prepared
    once a pass (the context's tables and the options as locals, the nearby points by latitude),
    what it asks of the index once (``statics``), and one call scores all its readings. The sums
    run in the same order as ever, so the scores are the same floats.
    """
    if not options.context:
        return lambda c: [((s, 0.0), idx) for idx, _, s, *_ in statics(c)]
    countries, named_countries = ctx.countries, ctx.named_countries
    regions, named_regions, links = ctx.regions, ctx.named_regions, ctx.links
    finder = _near_finder(ctx, options)
    cells, (lon_lo, lon_hi), nearby = finder if finder is not None else ((), (0.0, 0.0), None)
    row_of, share = gazetteer.row, ctx.share
    country_bonus, region_bonus, town_region_bonus = options.country_bonus, options.region_bonus, options.town_region_bonus
    local_share, proportional, near_bonus = options.local_share, options.proportional, options.near_bonus
    hint_bonus, airport_bonus, link_bonus = options.hint_bonus, options.airport_bonus, options.county_link_bonus
    link_local = link_bonus * options.link_local

    def country_part(key: str, cc: str) -> tuple[bool, bool, float]:
        """Does another name support the country (``cc in countries``); if so, is the bonus the full one, else what weak bonus?"""
        if not _supports(countries[cc], key):
            return False, False, 0.0
        if proportional and not _supports(named_countries.get(cc), key):
            return True, False, country_bonus * min(1.0, share(countries[cc], key) / local_share)
        return True, True, 0.0

    def scores(c: Candidate) -> Scored:
        """((score, local support), row) of each of the candidate's first MAX_READINGS readings, in prior order."""
        key, aviation, common = c.key, c.aviation, c.common
        readings = statics(c)
        if c.listed:  # "Ghana, Niger, Nigeria and Togo": each the country (not Nigeria's Niger State)
            readings = [r for r in readings if r[3] is _COUNTRY]
        hint = None if c.region_hint is None else row_of(c.region_hint)
        hint_region = (hint.country, hint.admin1) if hint is not None and hint.kind is _REGION else None
        hint_country = hint.country if hint is not None and hint.kind is _COUNTRY else None
        hinted = hint_region is not None or hint_country is not None  # (a row's country is a str, never None)
        first_is_country = readings[0][3] is _COUNTRY
        parts: dict[str, tuple[bool, bool, float]] = {}
        out = []
        for idx, row, s, kind, cc, region, local_kind, airport, lat_cell in readings:
            local = 0.0
            weak_bonus = 0.0  # from other towns only: their country, their state, their nearness
            if cc in countries:
                part = parts.get(cc) or parts.setdefault(cc, country_part(key, cc))
                if part[0]:
                    if part[1]:
                        s += country_bonus
                    else:
                        weak_bonus += part[2]
                    if kind is _REGION and first_is_country:
                        s += country_bonus / 2  # Georgia the state in a US story, not the country
            # Evidence from other towns (same state, nearby) is weaker than a named state and is not
            # summed: one town named nearby must not lift a small namesake over a world city.
            town_support = 0.0
            if region in regions:
                if kind is _REGION:
                    if _supports(regions[region], key):
                        s += region_bonus  # one of its towns is named too ("Seattle ... Washington")
                        local += region_bonus
                elif local_kind:
                    if _supports(named_regions.get(region), key):
                        s += region_bonus
                        local += region_bonus
                    elif _supports(regions[region], key):
                        # Proportional: a story about one state names several of its towns; a world
                        # story naming Chicago once is little evidence for Geneva, Illinois.
                        town_support = town_region_bonus * min(1.0, share(regions[region], key) / local_share)
            if airport and aviation:
                s += airport_bonus  # "flights at Heathrow": the airport, not Heathrow, Florida
            if links:
                linked = links.get(idx)
                if linked and linked - {key}:
                    s += link_bonus
                    local += link_local
            if hinted and (region == hint_region or cc == hint_country):
                s += hint_bonus
                local += hint_bonus
            if local_kind and lat_cell in cells and lon_lo <= row.lon <= lon_hi:
                near = nearby(row.lat, row.lon, key)
                if near:
                    factor = min(1.0, share(near, key) / local_share) if proportional else 1.0
                    town_support = max(town_support, near_bonus * factor)
            s += weak_bonus + town_support
            if not common:
                local += town_support
            out.append(((s, local), idx))
        return out

    return scores


def _pass(known: list[Candidate], gazetteer: Gazetteer, ctx: _Context, options: ResolveOptions, *,
          final: bool, statics: Callable[[Candidate], list[_Static]]) -> list:
    """One resolution of every candidate: Resolutions from the ``final`` pass, only (candidate,
    row) from the one before (the next pass's context: no confidences, no alternatives)."""
    scores = _scorer(gazetteer, ctx, options, statics)
    out: list = []
    senses: dict[str, int] = {}  # by sense key: "Varna Province" and "Varna" may be two places
    sense_alternatives: dict[tuple[str, int], tuple[int, ...]] = {}  # shared by a name's mentions
    firsts: dict[str, Evidence | None] = {}
    seen: dict[Evidence, tuple[Evidence, float]] = {}  # one object per distinct evidence (a 20 MB text has 450,000)
    repeats: dict[tuple[str, bool], tuple[Evidence, float]] = {}  # a name's later mentions share two confidences
    one_sense, namesake_city = options.one_sense, options.namesake_city
    min_weak_score, min_score = options.min_weak_score, options.min_score
    for c in known:
        sense = f"{c.key}\x00{c.division}" if c.division else c.key
        if one_sense and sense in senses and c.region_hint is None:
            best = senses[sense]
            if not final:
                out.append((c, best))
                continue
            alts = sense_alternatives.get((c.key, best))
            if alts is None:
                alts = sense_alternatives[(c.key, best)] = tuple([x for x in c.indices if x != best][:3])
            evidence, conf = _again(sense, c.glued, firsts, repeats)
            out.append(Resolution(c, best, alts, conf, evidence))
            continue
        scored = scores(c)
        if len(scored) > 1:
            scored.sort(key=_by_score)
        if namesake_city:
            scored = _division_or_city(c, scored, gazetteer, options)
        (best_score, support), best = scored[0]
        if c.weak and (best_score < min_weak_score or c.common) and support < 0.5:
            continue
        if best_score < min_score:
            continue
        senses[sense] = best
        if not final:
            out.append((c, best))
            continue
        total = sum(math.exp(min(50.0, s - best_score)) for (s, _), _ in scored[:10]) if len(scored) > 1 else 1.0
        evidence, conf = _first_evidence(c, scored, total, support, ctx, gazetteer, seen)
        firsts[sense] = evidence
        out.append(Resolution(c, best, tuple(x for _, x in scored[1:4]), conf, evidence))
    return out


def _by_score(scored: tuple[tuple[float, float], int]) -> float:
    """The sort key of a scored reading: best first (a stable sort keeps the prior order among equals)."""
    return -scored[0][0]


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
    if c.division is not None:
        if top.kind is c.division:
            return scored
        for k, (_, x) in enumerate(scored):
            row = gazetteer.row(x)
            if row.kind is c.division and row.country == top.country:  # "Istanbul province", not a far namesake
                return _promote(scored, k)
        return scored
    if top.kind not in _DIVISIONS:
        return scored
    for k, (_, x) in enumerate(scored[1:], 1):
        row = gazetteer.row(x)
        if (row.kind is _CITY and row.country == top.country and row.admin1 == top.admin1
                and _key_of(row.name) == c.key and row.population >= options.namesake_share * top.population
                and (top.kind is _REGION
                     or haversine_km(row.lat, row.lon, top.lat, top.lon) < options.namesake_km)):
            return _promote(scored, k)
    return scored


def _promote(scored: list, k: int) -> list:
    """Reading ``k`` first, trading scores with the old first, so the confidence still says how
    close the call was (the division stays the runner-up)."""
    return [(scored[0][0], scored[k][1]), *scored[1:k], (scored[k][0], scored[0][1]), *scored[k + 1:]]
