"""Cold start of the window: ``python main.py FILE --screenshot PNG`` until the map is ready.

Runs the app as a fresh subprocess N times (default 5) and prints the median wall time from
process start to the map's ready handshake (the app prints "map ready in X s" measured from
its own start) and to process exit (screenshot written).

    .venv/bin/python bench/cold_start.py [FILE] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "articles" / "putin-kim-vostochny.txt"


def one_run(file: Path | None, out: Path) -> tuple[float, float, float]:
    """(seconds to map ready seen from outside, in-app ready seconds, seconds to exit)."""
    cmd = [sys.executable, str(REPO / "main.py"), *([str(file)] if file else []), "--screenshot", str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    ready_outside = None
    in_app = None
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.search(r"map ready in ([0-9.]+) s", line)
        if match:
            ready_outside = time.perf_counter() - started
            in_app = float(match.group(1))
    code = proc.wait(timeout=180)
    errors = proc.stderr.read() if proc.stderr else ""
    finished = time.perf_counter() - started
    if code != 0 or in_app is None or not out.exists():
        tail = "\n".join(line for line in errors.splitlines() if line.startswith("gazette"))[-500:]
        raise SystemExit(f"run failed (exit {code}): {' '.join(cmd)}\n{tail}")
    return ready_outside or finished, in_app, finished


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=SEED if SEED.exists() else None)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(opts.runs):
            out = Path(tmp) / f"shot-{i}.png"
            results.append(one_run(opts.file, out))
            print(f"run {i + 1}: map ready {results[-1][0]:.2f} s wall ({results[-1][1]:.2f} s in-app), exit {results[-1][2]:.2f} s", flush=True)
    print(
        f"cold start, {opts.file.name if opts.file else 'bundled sample'}, median of {opts.runs}:"
        f" map ready {statistics.median(r[0] for r in results):.2f} s wall from process start"
        f" ({statistics.median(r[1] for r in results):.2f} s after viewer.app.run began),"
        f" process exit with screenshot {statistics.median(r[2] for r in results):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
