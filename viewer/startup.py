"""Start-up phase marks: with ``GAZETTE_PROFILE=1`` the window prints, on stderr, one
``gazette-phase NAME SECONDS`` line per phase, seconds since the process started.

``bench/cold_start.py --profile`` reads them. The parse process sends its marks to the window
(:mod:`viewer.worker`), the page its own through the console (``assets/js/basemap.js``), both as
wall-clock instants, so every line is on the same clock. Imports nothing of Qt.
"""

from __future__ import annotations

__all__ = [
    "PHASE_PREFIX",
    "PROFILE_ENV",
    "T0_ENV",
    "early_parse_process",
    "enabled",
    "mark",
    "process_started",
    "spawn_page_process",
    "spawn_parse_process",
    "start_parse_process_early",
    "take_early_page_process",
    "take_early_parse_process",
]

import atexit
import os
import subprocess
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path

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
    # One write with its newline: the page process shares this stderr (a pipe), and print's two
    # writes let another process's line land in the middle of ours.
    sys.stderr.write(f"{PHASE_PREFIX}{name} {seconds:.3f}\n")
    sys.stderr.flush()


def spawn_parse_process() -> subprocess.Popen:
    """A new parse process (:func:`viewer.parseprocess.child_main`), talking framed pickles on its pipes."""
    return _spawn("from viewer.parseprocess import child_main; child_main()", stderr=subprocess.PIPE)


def spawn_page_process() -> subprocess.Popen:
    """A new page process (:func:`viewer.parseprocess.page_main`): folium, the window's page shell."""
    return _spawn("from viewer.parseprocess import page_main; page_main()", stderr=None)


def _spawn(code: str, *, stderr: int | None) -> subprocess.Popen:
    repo = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])))
    env[T0_ENV] = repr(process_started())  # the children's marks on the window's clock
    # A plain subprocess rather than multiprocessing: "spawn" would re-import the caller's
    # __main__, and fork is unsafe in a process running Qt.
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=repo,  # harmless: every path the child gets is absolute
        env=env,
    )


_early: subprocess.Popen | None = None
_early_page: subprocess.Popen | None = None
_early_lock = threading.Lock()


def start_parse_process_early() -> None:
    """Start the window's first parse process and its page process before Qt is even imported
    (main.py), so that their imports, the index load and the page shell run beside Qt's
    start-up; :mod:`viewer.worker` adopts them."""
    global _early, _early_page
    with _early_lock:
        if _early_page is None:
            _early_page = spawn_page_process()  # the longer of the two: folium's import
        if _early is None:
            _early = spawn_parse_process()
            mark("parse process started")


@atexit.register
def _stop_early_processes() -> None:
    for child in (take_early_parse_process(), take_early_page_process()):
        if child is not None:
            child.kill()
            child.wait(timeout=10)


def early_parse_process() -> subprocess.Popen | None:
    """The early parse process, left where it is (None when none was started or it was adopted)."""
    with _early_lock:
        return _early


def take_early_parse_process() -> subprocess.Popen | None:
    global _early
    with _early_lock:
        child, _early = _early, None
    return child if child is not None and child.poll() is None else None


def take_early_page_process() -> subprocess.Popen | None:
    global _early_page
    with _early_lock:
        child, _early_page = _early_page, None
    return child if child is not None and child.poll() is None else None
