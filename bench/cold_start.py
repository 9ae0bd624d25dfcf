"""Cold start of the window: ``python main.py FILE --screenshot PNG`` until the map is ready.

Runs the app as a fresh subprocess N times (default 5), alternating with the floor — a bare
QWebEngineView loading a local Leaflet page with the same 50 m world TopoJSON and one marker
(bench/bare_map.py) — and prints the median wall time from process start to "map ready" (the
painted map with the bridge handshake done; the app prints "map ready in X s"), the floor's,
their ratio, the median time to process exit (screenshot written) and the median CPU seconds
of a run (every process, to exit) of both.

``--profile`` also prints the median of each start-up phase (``GAZETTE_PROFILE=1``, see
viewer/startup.py): seconds since process start in the window process, the parse process,
the page process and the page, on one clock. ``--memory`` prints the running window's memory (all processes).

``--peer DIR`` also runs another checkout's main.py (e.g. an export of main) in turn with
this one and the floor, and prints its figures beside: a before/after in the same minutes.

Our modules' bytecode is as scripts/bootstrap.sh leaves it (compiled, as pip compiles an installed
package's) in both checkouts; ``--bytecode none`` removes it first, so every start compiles our
modules from source (what a start costs where PYTHONDONTWRITEBYTECODE is set and nothing compiled them).

    .venv/bin/python bench/cold_start.py [FILE] [--runs 5] [--profile] [--peer DIR] [--bytecode none]
"""

from __future__ import annotations

import argparse
import os
import compileall
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "articles" / "putin-kim-vostochny.txt"
sys.path.insert(0, str(REPO))

from bench.bare_map import write_page  # noqa: E402

READY = re.compile(r"map ready in ([0-9.]+) s")
PHASE = re.compile(r"gazette-phase (.+) (-?[0-9.]+)$")


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def set_bytecode(checkout: Path, mode: str) -> None:
    """Our modules' bytecode in ``checkout``: compiled as scripts/bootstrap.sh does, or none."""
    for package in ("places", "viewer"):
        if mode == "none":
            for cache in (checkout / package).rglob("__pycache__"):
                shutil.rmtree(cache)
        else:
            compileall.compile_dir(checkout / package, quiet=1)
    if mode != "none":
        compileall.compile_file(checkout / "main.py", quiet=1)


def timed(cmd: list[str], *, profile: bool) -> tuple[float, float, dict[str, float], list[str]]:
    """(seconds to "map ready" seen from outside, to exit, phases, output) of one run; the run's CPU
    seconds (every process of it that was reaped) are under the phase name "cpu"."""
    env = os.environ.copy()
    if profile:
        env["GAZETTE_PROFILE"] = "1"
    env["GAZETTE_PROFILE_T0"] = repr(time.time())
    cpu = cpu_of_children()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    ready = None
    phases: dict[str, float] = {}
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if READY.search(line) and ready is None:
            ready = time.perf_counter() - started
        match = PHASE.search(line)
        if match:  # the last of each: the map page's, not the waiting page's before it
            phases[match.group(1)] = float(match.group(2))
    code = proc.wait(timeout=180)
    finished = time.perf_counter() - started
    phases["cpu"] = cpu_of_children() - cpu
    if code != 0 or ready is None:
        tail = "\n".join(lines[-15:])
        raise SystemExit(f"run failed (exit {code}): {' '.join(cmd)}\n{tail}")
    return ready, finished, phases, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=SEED if SEED.exists() else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the median of each start-up phase")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-Qt floor")
    parser.add_argument("--peer", type=Path, metavar="DIR", help="another checkout whose main.py runs in turn with this one")
    parser.add_argument("--bytecode", choices=("bootstrap", "none"), default="bootstrap",
                        help="our modules' bytecode: compiled as the bootstrap leaves it, or none (compiled at every start)")
    opts = parser.parse_args()
    for checkout in (REPO, *([opts.peer] if opts.peer else [])):
        set_bytecode(checkout, opts.bytecode)
    gazette: list[tuple[float, float]] = []
    floor: list[float] = []
    peer: list[float] = []
    cpu: dict[str, list[float]] = defaultdict(list)
    phases: dict[str, list[float]] = defaultdict(list)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; our bytecode: {opts.bytecode}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = write_page(Path(tmp) / "floor.html")
        for i in range(opts.runs):
            if not opts.no_floor:
                ready, _, seen, _ = timed([sys.executable, str(REPO / "bench" / "bare_map.py"), str(page)], profile=False)
                floor.append(ready)
                cpu["floor"].append(seen["cpu"])
            out = Path(tmp) / f"shot-{i}.png"
            cmd = [sys.executable, str(REPO / "main.py"), *([str(opts.file)] if opts.file else []), "--screenshot", str(out)]
            ready, finished, seen, _ = timed(cmd, profile=opts.profile)
            if not out.exists():
                raise SystemExit(f"run {i + 1} wrote no screenshot")
            gazette.append((ready, finished))
            cpu["gazette"].append(seen.pop("cpu"))
            if opts.peer:
                peer_cmd = [sys.executable, str(opts.peer / "main.py"), *cmd[2:]]
                peer_ready, _, peer_seen, _ = timed(peer_cmd, profile=False)
                peer.append(peer_ready)
                cpu["peer"].append(peer_seen["cpu"])
            for name, at in seen.items():
                phases[name].append(at)
            floor_text = (f", floor {floor[-1]:.2f} s" if floor else "") + (f", peer {peer[-1]:.2f} s" if peer else "")
            print(f"run {i + 1}: map ready {ready:.2f} s, exit {finished:.2f} s{floor_text}", flush=True)
    if opts.profile:
        print("phases (median s since process start):")
        for name, values in sorted(phases.items(), key=lambda item: statistics.median(item[1])):
            print(f"  {statistics.median(values):6.3f}  {name}")
    median = statistics.median(r[0] for r in gazette)
    name = opts.file.name if opts.file else "bundled sample"
    print(
        f"cold start, {name}, median of {opts.runs}: map ready {median:.2f} s from process start,"
        f" process exit with screenshot {statistics.median(r[1] for r in gazette):.2f} s"
    )
    if floor:
        base = statistics.median(floor)
        print(f"floor (bare QWebEngineView + Leaflet + 50 m TopoJSON + 1 marker): {base:.2f} s; Gazette / floor = {median / base:.2f}×")
    if peer:
        ratio = f", peer / floor = {statistics.median(peer) / statistics.median(floor):.2f}×" if floor else ""
        print(f"peer ({opts.peer}): map ready {statistics.median(peer):.2f} s{ratio}")
    # CPU seconds of a whole run (to exit, all its processes): with two cores shared, the wall
    # time follows this more than the order of the phases once the machine is busy.
    print("cpu per run (median, all processes, to exit): " + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in cpu.items()))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
