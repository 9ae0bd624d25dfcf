"""Memory of the running window on an article: every process of it (the window, QtWebEngine's
renderer/GPU/zygote processes, the idle parse process), PSS and RSS, summed.

Starts ``main.py FILE --offscreen`` with GAZETTE_PROFILE=1, waits for the map's ready handshake
(the "window: ready handshake" phase line), lets it settle, reads /proc/PID/smaps_rollup of the
whole process tree, prints one line per process and the sums, then stops the window it started.

    .venv/bin/python bench/memory.py [FILE] [--settle 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "articles" / "putin-kim-vostochny.txt"


def rollup(pid: int) -> dict[str, int]:
    """kB figures of /proc/PID/smaps_rollup (Pss, Rss, ...)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2] == "kB":
                    out[parts[0].rstrip(":")] = int(parts[1])
    except OSError:
        pass
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=SEED)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait after the map is ready")
    opts = parser.parse_args()
    env = dict(os.environ, GAZETTE_PROFILE="1")
    cmd = [sys.executable, str(REPO / "main.py"), str(opts.file), "--offscreen"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("gazette-phase window: ready handshake"):
                break
        else:
            raise SystemExit(f"the window never got ready (exit {proc.wait()})")
        time.sleep(opts.settle)
        root = psutil.Process(proc.pid)
        total_pss = total_rss = 0
        print(f"memory of the window on {opts.file.name}, {opts.settle:.0f} s after the map was ready:")
        for p in [root, *root.children(recursive=True)]:
            figures = rollup(p.pid)
            total_pss += figures.get("Pss", 0)
            total_rss += figures.get("Rss", 0)
            try:
                name = " ".join(p.cmdline())[:90]
            except psutil.Error:
                name = "?"
            print(f"  pid {p.pid:>7}  PSS {figures.get('Pss', 0) / 1024:7.1f} MB  RSS {figures.get('Rss', 0) / 1024:7.1f} MB  {name}")
        print(f"total: PSS {total_pss / 1024:.1f} MB, RSS {total_rss / 1024:.1f} MB (RSS double-counts shared pages)")
        print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
