"""The one QWebChannel bridge between the map page and Python.

JS -> Python: ``window.gazetteBridge.send(obj)`` arrives as JSON in :meth:`Bridge.receive`,
is validated, and becomes one of the typed Signals.  Python -> JS: :meth:`Bridge.call`, with
the function name from an allow-list and arguments serialised by ``json.dumps``; calls made
before the page's "ready" handshake are queued and run once it arrives.
"""

from __future__ import annotations

__all__ = ["Bridge"]

import json
import logging
import math
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

MAX_PAYLOAD = 4096
MAX_ID = 200
MAX_TEXT = 500
JS_FUNCTIONS = frozenset({"focusPlace", "present", "presentStep", "quizAnswer", "setArticleShown", "fitShown"})
MESSAGE_TYPES = frozenset({"ready", "waiting", "place-clicked", "place-menu", "basemap-fallback", "place-moved", "view"})


class Bridge(QObject):
    """Registered on the page's QWebChannel as ``bridge``."""

    ready = Signal()
    """The channel and the map are both up; JS calls can be made."""
    waiting = Signal()
    """A waiting shell decodes its world and asks for its data (``gazette.provide``); no JS calls yet."""
    placeClicked = Signal(str)
    """A marker or country shape was clicked; the argument is a known ``Place.id``."""
    basemapFallback = Signal(str, str)
    """Online tiles failed and the map switched to the offline basemap: (basemap, reason)."""
    placeMenuRequested = Signal(str)
    """A right-click on a marker or shape of a known ``Place.id``: show its corrections."""
    placeMoved = Signal(str, float, float)
    """A marker was dragged: (``Place.id``, lat, lon)."""
    viewChanged = Signal(float, float, float, int)
    """The presentation settled on a stop: (lat, lon, zoom, stop index from 0; -1 outside a tour)."""
    rejected = Signal(str)
    """A message failed validation (the reason); kept for diagnostics and tests."""

    def __init__(self, run_js: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run_js = run_js
        self._known_ids: frozenset[str] = frozenset()
        self._is_ready = False
        self._queue: list[str] = []

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    def set_known_ids(self, ids: Iterable[str]) -> None:
        """The place ids on the current page; clicks on anything else are rejected."""
        self._known_ids = frozenset(ids)

    def reset(self) -> None:
        """A new page is loading: wait for its handshake again and drop stale calls."""
        self._is_ready = False
        self._queue.clear()

    @Slot(str)
    def receive(self, payload_json: str) -> None:
        """The single entry point for the page; anything malformed is dropped and logged."""
        try:
            message = self._validate(payload_json)
        except ValueError as err:
            log.warning("bridge message rejected: %s", err)
            self.rejected.emit(str(err))
            return
        kind = message["type"]
        if kind == "ready":
            self._is_ready = True
            queued, self._queue = self._queue, []
            for script in queued:
                self._run_js(script)
            self.ready.emit()
        elif kind == "waiting":
            self.waiting.emit()
        elif kind == "place-clicked":
            self.placeClicked.emit(message["id"])
        elif kind == "place-menu":
            self.placeMenuRequested.emit(message["id"])
        elif kind == "basemap-fallback":
            self.basemapFallback.emit(message["basemap"], message["reason"])
        elif kind == "place-moved":
            self.placeMoved.emit(message["id"], message["lat"], message["lon"])
        elif kind == "view":
            self.viewChanged.emit(message["lat"], message["lon"], message["zoom"], message["stop"])

    def _validate(self, payload_json: str) -> dict:
        if not isinstance(payload_json, str) or len(payload_json) > MAX_PAYLOAD:
            raise ValueError("payload is not a string of bounded length")
        try:
            message = json.loads(payload_json)
        except (ValueError, RecursionError) as err:
            raise ValueError("payload is not JSON") from err
        if not isinstance(message, dict):
            raise ValueError("payload is not an object")
        kind = message.get("type")
        if kind not in MESSAGE_TYPES:
            raise ValueError(f"unknown message type {kind!r:.60}")
        if kind in ("place-clicked", "place-menu"):
            pid = message.get("id")
            if not isinstance(pid, str) or not 0 < len(pid) <= MAX_ID:
                raise ValueError("place id missing or too long")
            if pid not in self._known_ids:
                raise ValueError(f"unknown place id {pid!r:.60}")
            return {"type": kind, "id": pid}
        if kind in ("place-moved", "view"):
            return self._validate_point(kind, message)
        if kind == "basemap-fallback":
            basemap = message.get("basemap", "")
            reason = message.get("reason", "")
            if not isinstance(basemap, str) or not isinstance(reason, str):
                raise ValueError("basemap-fallback fields must be strings")
            return {"type": kind, "basemap": basemap[:MAX_ID], "reason": reason[:MAX_TEXT]}
        return {"type": kind}

    def _validate_point(self, kind: str, message: dict) -> dict:
        lat, lon = message.get("lat"), message.get("lon")
        numbers = [lat, lon] + ([message.get("zoom"), message.get("stop")] if kind == "view" else [])
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
            raise ValueError(f"{kind}: lat, lon (and zoom, stop) must be finite numbers")
        if not (-90 <= lat <= 90 and -540 <= lon <= 540):
            raise ValueError(f"{kind}: the point is off the Earth")
        lon = (lon + 180) % 360 - 180  # a marker dragged across 180° keeps counting
        if kind == "view":
            return {"type": kind, "lat": float(lat), "lon": float(lon), "zoom": float(message["zoom"]), "stop": int(message["stop"])}
        pid = message.get("id")
        if not isinstance(pid, str) or pid not in self._known_ids:
            raise ValueError(f"unknown place id {pid!r:.60}")
        return {"type": kind, "id": pid, "lat": float(lat), "lon": float(lon)}

    def call(self, fn_name: str, *args: object) -> str:
        """Call ``gazette.<fn_name>(*args)`` in the page (queued until "ready"); returns the script."""
        if fn_name not in JS_FUNCTIONS:
            raise ValueError(f"not a gazette JS function: {fn_name!r}")
        script = f"gazette.{fn_name}(" + ",".join(json.dumps(a) for a in args) + ")"
        if self._is_ready:
            self._run_js(script)
        else:
            self._queue.append(script)
        return script
