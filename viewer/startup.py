"""Start-up phase marks: with ``GAZETTE_PROFILE=1`` the window prints, on stderr, one
``gazette-phase NAME SECONDS`` line per phase, seconds since the process started.

``bench/cold_start.py --profile`` reads them. The parse process sends its marks to the window
(:mod:`viewer.worker`), the page its own through the console (``assets/js/basemap.js``), both as
wall-clock instants, so every line is on the same clock. Imports nothing of Qt.
"""

from __future__ import annotations

__all__ = ["PHASE_PREFIX", "PROFILE_ENV", "T0_ENV", "enabled", "mark", "process_started"]

import os
import sys
import time
from functools import lru_cache

PROFILE_ENV = "GAZETTE_PROFILE"
T0_ENV = "GAZETTE_PROFILE_T0"  # wall-clock start set by the bench just before it spawns us
PHASE_PREFIX = "gazette-phase "


def enabled() -> bool:
    return os.environ.get(PROFILE_ENV) == "1"


@lru_cache(maxsize=1)
def process_started() -> float:
    """Wall-clock time this process (or the bench's launch of it) started."""
    given = os.environ.get(T0_ENV)
    if given:
        try:
            return float(given)
        except ValueError:
            pass
    try:  # Linux: the start tick in /proc, against the boot time
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as info:
            boot = next(int(line.split()[1]) for line in info if line.startswith("btime"))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()


def mark(name: str, *, at: float | None = None) -> None:
    """Print phase ``name`` reached at wall-clock ``at`` (now when None), when profiling."""
    if not enabled():
        return
    seconds = (time.time() if at is None else at) - process_started()
    print(f"{PHASE_PREFIX}{name} {seconds:.3f}", file=sys.stderr, flush=True)
