"""The opt-in online geocoder: geopy's Nominatim behind a persistent cache and a rate limiter.

Gazette works offline; nothing in ``places/`` calls this unless the person asks for it
(``main.py --online``).  Every answer, including "nothing found", is kept in a SQLite
cache so a name is asked for at most once, and live requests are spaced by geopy's
:class:`~geopy.extra.rate_limiter.RateLimiter` (the public Nominatim allows one a second).
geopy and OS errors are converted here into :class:`places.errors.GeocodingError`.

Each name has one deadline for everything (connect, TLS, headers, body, retries): a watchdog
shuts the socket when it passes, so a server dripping a byte a second cannot hold a name for
longer. An answer larger than ``max_answer_bytes`` is refused while it is read (never whole in
memory, never cached). Retries are logged in one line, without a traceback; the first time the
service fails, ``notice`` is set and ``on_unavailable`` hears it once, so the command line and
the window can say "online look-ups unavailable, using the offline gazetteer".
"""

from __future__ import annotations

__all__ = ["UNAVAILABLE_NOTICE", "CachingGeocoder", "GeocoderCache", "default_cache_path", "nominatim_from_env",
           "online_geocoder"]

import http.client
import json
import logging
import os
import socket
import sqlite3
import ssl
import threading
import time
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import AdapterHTTPError, BaseAdapter, BaseSyncAdapter, RequestsAdapter, URLLibAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from places.errors import GeocodingError
from places.httpwatch import BodyTooLarge, read_capped, watched
from places.storage import user_cache_dir

log = logging.getLogger(__name__)

PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
_CACHE_FILENAME = "geocoder.sqlite"
_SCHEMA_VERSION = 1
# After the service proved unreachable, further live requests fail at once for this long
# instead of each waiting for its own timeout (an article can hold dozens of unknown names).
_OUTAGE_SECONDS = 30.0
# A Nominatim answer is a few kilobytes; anything this large is not one.
DEFAULT_MAX_ANSWER_BYTES = 1_000_000
UNAVAILABLE_NOTICE = "online look-ups unavailable, using the offline gazetteer"


def nominatim_from_env() -> dict[str, str]:
    """``domain`` and ``scheme`` of the Nominatim to ask: ``$GAZETTE_NOMINATIM`` (``http://host:port``,
    a self-hosted one or a test's), else the public OpenStreetMap one."""
    parts = urlsplit(os.environ.get("GAZETTE_NOMINATIM", "").strip())
    if not parts.netloc:
        return {"domain": PUBLIC_NOMINATIM, "scheme": "https"}
    return {"domain": parts.netloc, "scheme": parts.scheme or "https"}


def _gazette_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("gazette")
    except metadata.PackageNotFoundError:
        pass
    try:
        import tomllib

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "dev"


DEFAULT_USER_AGENT = f"Gazette/{_gazette_version()} (+https://example.invalid/gazette)"


def default_cache_path() -> Path:
    """``$GAZETTE_CACHE_DIR/geocoder.sqlite``, else under platformdirs' user cache dir."""
    return user_cache_dir() / _CACHE_FILENAME


def _adapter_factory(**kwargs: Any) -> BaseAdapter:
    # requests' own silent retries would multiply the timeout; our RateLimiter retries instead.
    if RequestsAdapter.is_available:
        return RequestsAdapter(max_retries=0, **kwargs)
    return URLLibAdapter(**kwargs)


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # an unknown or non-text codec named by the server
        return body.decode("utf-8", errors="replace")


class _Deadline(threading.local):
    """The moment the current name's look-up must be over (per thread), or None."""

    at: float | None = None

    def remaining(self, timeout: float) -> float:
        if self.at is None:
            return timeout
        return min(timeout, self.at - time.monotonic())


class _AnswerTooLarge(GeocoderServiceError):
    pass


class _BoundedAdapter(BaseSyncAdapter):
    """An HTTP(S) GET that ends by the deadline, whatever the server does, and reads at most
    ``max_bytes`` of body. Proxies are not used: the request goes straight to the server."""

    def __init__(self, *, proxies: Any = None, ssl_context: ssl.SSLContext | None = None, deadline: _Deadline,
                 max_bytes: int) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self._ssl_context = ssl_context
        self._deadline = deadline
        self._max_bytes = max_bytes

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError as err:
            raise GeocoderParseError(f"the answer is not JSON ({err})") from err

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        remaining = self._deadline.remaining(timeout)
        if remaining <= 0:
            raise GeocoderTimedOut("no time left for this name")
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if parts.scheme == "https":
            context = self._ssl_context or ssl.create_default_context()
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=remaining, context=context)
        else:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=remaining)
        with watched(conn, remaining) as expired:
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                body = read_capped(response, self._max_bytes)
                if expired.is_set():
                    raise GeocoderTimedOut("Service timed out")  # the watchdog cut the answer short
                text = _decode(body, response.headers.get_content_charset())
                if response.status >= 400:
                    raise AdapterHTTPError(f"Non-successful status code {response.status}", status_code=response.status,
                                           headers={k.lower(): v for k, v in response.getheaders()}, text=text)
                return text
            except BodyTooLarge as err:
                size = f"would be {err.declared:,} bytes" if err.declared is not None else f"is over {err.max_bytes:,} bytes"
                raise _AnswerTooLarge(f"the answer {size}") from err
            except (GeopyError, AdapterHTTPError):
                raise
            except (OSError, http.client.HTTPException, LookupError) as err:
                if expired.is_set() or isinstance(err, socket.timeout):
                    raise GeocoderTimedOut("Service timed out") from err
                raise GeocoderUnavailable(f"Service not available ({err or type(err).__name__})") from err


def normalise_query(query: str) -> str:
    """Case-, width- and whitespace-insensitive form of a query, used in cache keys."""
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())


class GeocoderCache:
    """Raw geocoder answers in SQLite, keyed by provider, method, query and parameters.

    Safe to share between threads.  A file that is not a readable cache of ours is
    replaced by an empty one, with a warning: the cache only saves requests.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise GeocodingError(f"Cannot create the geocoder cache folder {self.path.parent}: {err.strerror}.") from err
        try:
            return self._connect()
        except sqlite3.DatabaseError as err:
            warnings.warn(
                f"The geocoder cache {self.path} is unreadable ({err}); starting an empty one.",
                RuntimeWarning,
                stacklevel=3,
            )
            self._remove_files()
            try:
                return self._connect()
            except sqlite3.DatabaseError as err2:
                raise GeocodingError(f"Cannot create the geocoder cache {self.path}: {err2}.") from err2

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
        try:
            # Touching the schema is what makes SQLite notice a file that is not a database.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, _SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            with conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS answers ("
                    " key TEXT PRIMARY KEY,"
                    " raw TEXT NOT NULL,"
                    " fetched_at REAL NOT NULL)"
                )
                conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
        except BaseException:
            conn.close()
            raise
        return conn

    def _remove_files(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.remove(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as err:
                raise GeocodingError(f"Cannot replace the broken geocoder cache {self.path}: {err.strerror}.") from err

    def _rebuild(self, err: sqlite3.DatabaseError) -> None:
        warnings.warn(
            f"The geocoder cache {self.path} broke ({err}); starting an empty one.",
            RuntimeWarning,
            stacklevel=4,
        )
        self._conn.close()
        self._remove_files()
        self._conn = self._open()

    def get(self, key: str) -> Any | None:
        """The stored raw answer for ``key`` (``[]`` for "nothing found"), ``None`` if absent."""
        with self._lock:
            try:
                row = self._conn.execute("SELECT raw FROM answers WHERE key = ?", (key,)).fetchone()
            except sqlite3.DatabaseError as err:
                self._rebuild(err)
                return None
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return None

    def put(self, key: str, raw: Any) -> None:
        text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            for attempt in (1, 2):
                try:
                    with self._conn:
                        self._conn.execute(
                            "INSERT OR REPLACE INTO answers (key, raw, fetched_at) VALUES (?, ?, ?)",
                            (key, text, time.time()),
                        )
                    return
                except sqlite3.DatabaseError as err:
                    if attempt == 2:
                        raise GeocodingError(f"Cannot write the geocoder cache {self.path}: {err}.") from err
                    self._rebuild(err)

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _location(raw: Mapping[str, Any]) -> Location:
    lat, lon = raw.get("lat"), raw.get("lon")
    if lat is None or lon is None:
        raise GeocodingError("Online geocoder answered nonsense: a result without coordinates.")
    try:
        point = (float(lat), float(lon))
    except (TypeError, ValueError) as err:
        raise GeocodingError(f"Online geocoder answered nonsense: coordinates {lat!r}, {lon!r}.") from err
    return Location(raw.get("display_name", ""), point, dict(raw))


def _locations(raws: Sequence[Mapping[str, Any]], *, exactly_one: bool) -> Location | list[Location] | None:
    if not raws:
        return None
    if exactly_one:
        return _location(raws[0])
    return [_location(raw) for raw in raws]


def _raws(result: Location | Sequence[Location] | None) -> list[dict[str, Any]]:
    if result is None:
        return []
    if isinstance(result, Location):
        return [dict(result.raw)]
    return [dict(loc.raw) for loc in result]


class CachingGeocoder(Geocoder):
    """A geopy geocoder: cache first, then the wrapped geocoder through a rate limiter.

    ``geocode`` and ``reverse`` take geopy's usual arguments and return geopy
    :class:`~geopy.location.Location` objects (also when served from the cache).
    Failures raise :class:`places.errors.GeocodingError`.
    """

    def __init__(
        self,
        inner: Nominatim,
        *,
        cache: GeocoderCache,
        min_delay_seconds: float = 1.0,
        max_retries: int = 1,
        deadline: _Deadline | None = None,
        on_unavailable: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(
            scheme=inner.scheme,
            timeout=inner.timeout,
            user_agent=inner.headers.get("User-Agent"),
            adapter_factory=_adapter_factory,
        )
        self.inner = inner
        self.cache = cache
        self.provider = f"nominatim:{inner.domain}"
        self.max_retries = max_retries
        # Retries are ours (one quiet log line each): geopy's RateLimiter logs each with a traceback.
        self._limited = RateLimiter(
            self._live,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._deadline = deadline if deadline is not None else _Deadline()
        self._outage_lock = threading.Lock()
        self._outage: tuple[float, str] | None = None  # (until, message)
        self.on_unavailable = on_unavailable
        self.notice: str | None = None  # UNAVAILABLE_NOTICE once a live look-up has failed

    def _unavailable(self) -> None:
        with self._outage_lock:
            if self.notice is not None:
                return
            self.notice = UNAVAILABLE_NOTICE
        if self.on_unavailable is not None:
            self.on_unavailable(UNAVAILABLE_NOTICE)

    def _ask(self, method: str, query: Any, kwargs: dict[str, Any]) -> Any:
        """The live answer, retried ``max_retries`` times on a service error, all by one deadline."""
        self._deadline.at = time.monotonic() + float(self.inner.timeout or 5.0)
        try:
            for attempt in range(self.max_retries + 1):
                try:
                    return self._limited(method, query, kwargs)
                except (GeocoderQueryError, _AnswerTooLarge, GeocoderParseError):
                    raise
                except GeocoderServiceError as err:
                    if attempt == self.max_retries or self._deadline.remaining(1.0) <= 0:
                        raise
                    log.info("Online geocoder failed (%s); retrying (%d of %d).", err, attempt + 1, self.max_retries)
        finally:
            self._deadline.at = None

    def _live(self, method: str, query: Any, kwargs: dict[str, Any]) -> Any:
        return getattr(self.inner, method)(query, **kwargs)

    def _key(self, method: str, query: str, params: Mapping[str, Any]) -> str:
        return json.dumps([self.provider, method, query, dict(params)], sort_keys=True, ensure_ascii=False, default=str)

    def _fetch(self, method: str, query: Any, key: str, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        cached = self.cache.get(key)
        if isinstance(cached, list):
            return cached
        with self._outage_lock:
            if self._outage is not None and time.monotonic() < self._outage[0]:
                raise GeocodingError(self._outage[1])
        try:
            raws = _raws(self._ask(method, query, kwargs))
        except GeocoderQueryError as err:
            raise GeocodingError(f"Online geocoder refused the query {query!r}: {err}.") from err
        except _AnswerTooLarge as err:
            self._unavailable()
            raise GeocodingError(f"Online geocoder answered too much: {err} (nothing was kept).") from err
        except GeocoderParseError as err:
            self._unavailable()
            raise GeocodingError(f"Online geocoder answered nonsense: {err}.") from err
        except (GeopyError, OSError) as err:
            message = f"Online geocoder unavailable: {err or type(err).__name__} (Gazette works offline without it)."
            with self._outage_lock:
                self._outage = (time.monotonic() + _OUTAGE_SECONDS, message)
            self._unavailable()
            raise GeocodingError(message) from err
        except ValueError as err:  # a body that is not JSON
            self._unavailable()
            raise GeocodingError(f"Online geocoder answered nonsense: {err}.") from err
        with self._outage_lock:
            self._outage = None
        self.cache.put(key, raws)
        return raws

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs: Any) -> Location | list[Location] | None:
        """Look a place name up; ``None`` when the service knows nothing by that name."""
        if not isinstance(query, str):
            raise GeocodingError("The online geocoder takes a place name as text.")
        norm = normalise_query(query)
        if not norm:
            return None
        kwargs = {k: v for k, v in kwargs.items() if k != "timeout"}
        key = self._key("geocode", norm, {"exactly_one": exactly_one, **kwargs})
        raws = self._fetch("geocode", query, key, {"exactly_one": exactly_one, **kwargs})
        return _locations(raws, exactly_one=exactly_one)

    def reverse(self, query: Any, *, exactly_one: bool = True, **kwargs: Any) -> Location | list[Location] | None:
        """The place at a point (``"lat, lon"``, a tuple or a geopy Point); ``None`` when none."""
        try:
            point = Point(query)
        except (TypeError, ValueError) as err:
            raise GeocodingError(f"Not a point on Earth: {query!r}.") from err
        coords = f"{point.latitude:.7f},{point.longitude:.7f}"
        kwargs = {k: v for k, v in kwargs.items() if k != "timeout"}
        key = self._key("reverse", coords, {"exactly_one": exactly_one, **kwargs})
        raws = self._fetch("reverse", coords, key, {"exactly_one": exactly_one, **kwargs})
        return _locations(raws, exactly_one=exactly_one)


def online_geocoder(
    *,
    user_agent: str = DEFAULT_USER_AGENT,
    domain: str = PUBLIC_NOMINATIM,
    scheme: str = "https",
    cache_path: Path | None = None,
    min_delay_seconds: float = 1.0,
    timeout: float = 5.0,
    max_retries: int = 1,
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    on_unavailable: Callable[[str], None] | None = None,
) -> CachingGeocoder:
    """A Nominatim geocoder with a persistent cache and a rate limit; only when the user opts in.

    ``timeout`` bounds each name's whole look-up, retries included. The public OpenStreetMap
    Nominatim is never asked more than once a second (its usage policy); a shorter
    ``min_delay_seconds`` only applies to other servers. ``on_unavailable(notice)`` is called
    once, the first time a live look-up fails.
    """
    if domain.strip("/") == PUBLIC_NOMINATIM:
        min_delay_seconds = max(min_delay_seconds, 1.0)
    if min_delay_seconds < 0 or max_retries < 0:
        raise ValueError("min_delay_seconds and max_retries must not be negative")
    if timeout <= 0 or max_answer_bytes <= 0:
        raise ValueError("timeout and max_answer_bytes must be positive")
    deadline = _Deadline()

    def adapter(**kwargs: Any) -> BaseAdapter:
        return _BoundedAdapter(deadline=deadline, max_bytes=max_answer_bytes, **kwargs)

    try:
        inner = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout, adapter_factory=adapter)
    except GeopyError as err:
        raise GeocodingError(f"Online geocoder misconfigured: {err}.") from err
    cache = GeocoderCache(cache_path if cache_path is not None else default_cache_path())
    return CachingGeocoder(inner, cache=cache, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                           deadline=deadline, on_unavailable=on_unavailable)
