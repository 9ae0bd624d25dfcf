"""viewer.startup: phase marks on one clock, and the parse process started before Qt."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, check=True)  # fmt: skip


def test_marks_print_only_when_profiling():
    code = "from viewer import startup; startup.mark('hello')"
    assert _run(code, GAZETTE_PROFILE="0").stderr == ""
    t0 = time.time() - 5
    line = _run(code, GAZETTE_PROFILE="1", GAZETTE_PROFILE_T0=repr(t0)).stderr.strip()
    name, seconds = line.removeprefix("gazette-phase ").rsplit(" ", 1)
    assert name == "hello" and 5 <= float(seconds) < 65


def test_process_start_from_proc_is_before_now():
    code = "import time; from viewer import startup; print(time.time() - startup.process_started())"
    age = float(_run(code, GAZETTE_PROFILE_T0="").stdout)
    assert 0 <= age < 30


def test_the_early_parse_process_is_adopted_once_and_imports_no_qt_before_it():
    code = (
        "import sys; from viewer import startup; startup.start_parse_process_early();"
        "print(any(m.startswith('PySide6') for m in sys.modules));"
        "child = startup.take_early_parse_process(); print(child is not None, startup.take_early_parse_process() is None);"
        "child.kill(); child.wait()"
    )
    assert _run(code).stdout.split() == ["False", "True", "True"]
