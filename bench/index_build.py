"""A cold build of the place index, as a first run does it: ``python -m places._gazetteer_build``.

Each run builds into a fresh scratch folder (the cache dir is never touched) and is timed from
outside: the wall time to exit, each phase (the time from one of the builder's progress lines to
the next, the lines the window shows during a first run), the CPU seconds of every process of the
run and its peak memory (the largest process's RSS), and each phase's CPU seconds (the builder's and its
forked children's, read from /proc at each progress line). With ``--peer WORKTREE`` (another checkout,
say main's) the runs alternate with that checkout's builder in the same minutes, and the index
files' SHA-256 are compared: a faster build must write the same bytes. Both are given one fixed
data version, so the files are comparable. The load average is printed beside each run.

    .venv/bin/python bench/index_build.py [--runs 5] [--peer /path/to/main]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_COUNTS = re.compile(r" \([\d,]+\)$")  # "Indexing populated places (50,000)" is one phase with its start


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    load: float
    sha256: str
    phases: dict[str, float] = field(default_factory=dict)
    phase_cpu: dict[str, float] = field(default_factory=dict)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _tree_cpu(pid: int) -> float:
    """CPU seconds so far of process ``pid``, its reaped children and its live ones (0 where /proc is not)."""

    def fields(p: int) -> list[str]:
        try:
            return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return []

    own = fields(pid)
    if not own:
        return 0.0
    ticks = sum(map(int, own[11:15]))  # utime, stime, cutime, cstime
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        ticks += sum(map(int, fields(int(child))[11:13]))
    return ticks / _TICK


def build_once(tree: Path, python: str) -> Run:
    """One cold build by ``tree``'s builder into a scratch folder."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="gazette-index-bench-") as scratch:
        out = Path(scratch) / "index.idx"
        env = dict(os.environ, PYTHONPATH=str(tree), GAZETTE_CACHE_DIR=scratch)
        started = time.perf_counter()
        proc = subprocess.Popen([python, "-m", "places._gazetteer_build", str(out), "bench"], cwd=tree,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        phases: dict[str, float] = defaultdict(float)
        phase_cpu: dict[str, float] = defaultdict(float)
        phase, since, cpu_since = "starting Python and imports", started, 0.0
        assert proc.stdout is not None
        for line in proc.stdout:
            now = time.perf_counter()
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3 and parts[0] == "PROGRESS":
                cpu = _tree_cpu(proc.pid)
                phases[phase] += now - since
                phase_cpu[phase] += cpu - cpu_since
                phase, since, cpu_since = _COUNTS.sub("", parts[2]), now, cpu
        stderr = proc.stderr.read() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)  # the usage of the run's every process (reaped)
        ended = time.perf_counter()
        proc.returncode = os.waitstatus_to_exitcode(status)
        phases[phase] += ended - since
        wall = ended - started
        phase_cpu[phase] += usage.ru_utime + usage.ru_stime - cpu_since
        if proc.returncode != 0:
            sys.exit(f"the build by {tree} failed: {stderr.strip().splitlines()[-1:] or proc.returncode}")
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, load, digest, dict(phases),
               dict(phase_cpu))


def _report(name: str, runs: list[Run]) -> None:
    print(f"\n{name}: median {statistics.median(r.wall for r in runs):.2f} s wall, "
          f"{statistics.median(r.cpu for r in runs):.2f} s CPU, peak {max(r.peak_mb for r in runs):.0f} MB, "
          f"load {min(r.load for r in runs):.2f}-{max(r.load for r in runs):.2f}")
    print(f"  {'phase (from its progress line to the next)':<52} median s  CPU s")
    for phase in runs[0].phases:
        print(f"  {phase:<52} {statistics.median(r.phases.get(phase, 0.0) for r in runs):8.2f} "
              f"{statistics.median(r.phase_cpu.get(phase, 0.0) for r in runs):6.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer", type=Path, help="another checkout whose builder runs alternately")
    args = parser.parse_args()
    trees = {"this": REPO} if args.peer is None else {"this": REPO, "peer": args.peer.resolve()}
    runs: dict[str, list[Run]] = {name: [] for name in trees}
    for n in range(args.runs):
        for name, tree in trees.items():
            run = build_once(tree, sys.executable)
            runs[name].append(run)
            print(f"run {n + 1} {name}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.peak_mb:.0f} MB, "
                  f"load {run.load:.2f}, sha256 {run.sha256[:16]}", flush=True)
    for name, tree in trees.items():
        _report(f"{name} ({tree})", runs[name])
    if args.peer is not None:
        mine, peer = (statistics.median(r.wall for r in runs[k]) for k in ("this", "peer"))
        same = {r.sha256 for r in runs["this"] + runs["peer"]}
        print(f"\nthis / peer: {mine / peer:.2f} of the peer's wall time; "
              f"index files {'byte-identical' if len(same) == 1 else 'DIFFERENT'} ({', '.join(sorted(same))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
